package io.tributary.api;

import io.tributary.delivery.DeadLetter;
import io.tributary.delivery.DeadLetters;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.delivery.DeliveryRecord;
import io.tributary.delivery.DeliveryStore;
import io.tributary.store.EventStore;
import io.tributary.system.ProblemException;
import java.util.List;
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

    DeliveryController(DeliveryStore deliveries, DeliveryDispatcher dispatcher, EventStore events) {
        this.deliveries = deliveries;
        this.dispatcher = dispatcher;
        this.events = events;
    }

    record Deliveries(List<DeliveryRecord> items) {
    }

    /** Each delivery of the event, one per subscription that asked for it, with every attempt. */
    @GetMapping("/api/v1/events/{id}/deliveries")
    Deliveries deliveries(@PathVariable String id) {
        if (events.event(id).isEmpty()) {
            throw ProblemException.notFound("No event '" + id + "'.");
        }
        return new Deliveries(deliveries.forEvent(id));
    }

    record DeadLetterList(List<DeadLetter> items) {
    }

    @GetMapping("/api/v1/dead-letters")
    DeadLetterList deadLetters(@RequestParam(required = false) String subscription, @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        return new DeadLetterList(deliveries.deadLetters(subscription, limit).stream().map(DeliveryController::redacted).toList());
    }

    @GetMapping("/api/v1/dead-letters/{id}")
    DeadLetter deadLetter(@PathVariable String id) {
        return redacted(deliveries.deadLetter(id).orElseThrow(() -> ProblemException.notFound("No dead letter '" + id + "'.")));
    }

    /** Dead letters written before their subscriptions' credentials were redacted at storage are redacted here. */
    private static DeadLetter redacted(DeadLetter d) {
        return new DeadLetter(d.id(), d.subscriptionId(), d.eventId(), d.deadAt(), d.reason(), d.delivery(), d.event(),
                DeadLetters.redacted(d.subscription()));
    }

    /** Dead-letter ids are {@code <eventId>/<subscriptionId>}; the path takes them as two segments. */
    @PostMapping("/api/v1/dead-letters/{eventId}/{subscriptionId}/replay")
    Replayed replay(@PathVariable String eventId, @PathVariable String subscriptionId) {
        return new Replayed(dispatcher.replayDeadLetter(eventId + "/" + subscriptionId).id(), "replayed");
    }

    /** @param id the delivery sent again, from the start of the retry schedule */
    record Replayed(String id, String status) {
    }

    /** Bulk replay: every dead letter of one subscription, oldest first. */
    @PostMapping("/api/v1/dead-letters/replay")
    BulkReplayed replayAll(@RequestParam String subscription, @RequestParam(defaultValue = "1000") int limit) {
        checkLimit(limit);
        return new BulkReplayed(subscription, dispatcher.replayDeadLetters(subscription, limit));
    }

    /** @param replayed how many dead letters were sent again */
    record BulkReplayed(String subscription, int replayed) {
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ProblemException.badRequest("limit must be between 1 and 10000.");
        }
    }
}
