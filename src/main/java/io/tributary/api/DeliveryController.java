package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.delivery.DeadLetter;
import io.tributary.delivery.DeadLetters;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.delivery.DeliveryStore;
import io.tributary.store.EventStore;
import io.tributary.system.ProblemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The attempt log of an event, and the dead-letter store with its replays. */
@RestController
class DeliveryController {

    private final DeliveryStore deliveries;
    private final DeliveryDispatcher dispatcher;
    private final EventStore events;
    private final ObjectMapper json;

    DeliveryController(DeliveryStore deliveries, DeliveryDispatcher dispatcher, EventStore events, ObjectMapper json) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.events = events;
        this.json = json;
    }

    @GetMapping("/api/v1/events/{id}/deliveries")
    ObjectNode deliveries(@PathVariable String id) {
        if (events.event(id).isEmpty()) {
            throw ProblemException.notFound("No event '" + id + "'.");
        }
        ObjectNode page = json.createObjectNode();
        page.set("items", json.valueToTree(deliveries.forEvent(id)));
        return page;
    }

    @GetMapping("/api/v1/dead-letters")
    ObjectNode deadLetters(@RequestParam(required = false) String subscription, @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        ObjectNode page = json.createObjectNode();
        page.set("items", json.valueToTree(deliveries.deadLetters(subscription, limit).stream().map(DeliveryController::redacted).toList()));
        return page;
    }

    @GetMapping("/api/v1/dead-letters/{id}")
    ObjectNode deadLetter(@PathVariable String id) {
        return json.valueToTree(redacted(deliveries.deadLetter(id)
                .orElseThrow(() -> ProblemException.notFound("No dead letter '" + id + "'."))));
    }

    /** Dead letters written before their subscriptions' credentials were redacted at storage are redacted here. */
    private static DeadLetter redacted(DeadLetter d) {
        return new DeadLetter(d.id(), d.subscriptionId(), d.eventId(), d.deadAt(), d.reason(), d.delivery(), d.event(),
                DeadLetters.redacted(d.subscription()));
    }

    /** Dead-letter ids are {@code <eventId>/<subscriptionId>}; the path takes them as two segments. */
    @PostMapping("/api/v1/dead-letters/{eventId}/{subscriptionId}/replay")
    ObjectNode replay(@PathVariable String eventId, @PathVariable String subscriptionId) {
        var delivery = dispatcher.replayDeadLetter(eventId + "/" + subscriptionId);
        return json.createObjectNode().put("id", delivery.id()).put("status", "replayed");
    }

    /** Bulk replay: every dead letter of one subscription, oldest first. */
    @PostMapping("/api/v1/dead-letters/replay")
    ObjectNode replayAll(@RequestParam String subscription, @RequestParam(defaultValue = "1000") int limit) {
        checkLimit(limit);
        return json.createObjectNode().put("subscription", subscription)
                .put("replayed", dispatcher.replayDeadLetters(subscription, limit));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ProblemException.badRequest("limit must be between 1 and 10000.");
        }
    }
}
