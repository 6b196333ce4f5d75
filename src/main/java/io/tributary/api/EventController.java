package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.ingest.QuarantineReplay;
import io.tributary.ingest.RejectionLog;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.store.EventStore;
import io.tributary.store.QuarantineEntry;
import io.tributary.store.QuarantineGroup;
import io.tributary.store.ReceivedPayload;
import io.tributary.system.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Accepted events and the quarantine: look, and replay through the current mapping. */
@RestController
class EventController {

    private final EventStore store;
    private final QuarantineReplay replay;
    private final DeliveryDispatcher dispatcher;
    private final RejectionLog rejectionLog;
    private final ObjectMapper json;

    EventController(EventStore store, QuarantineReplay replay, DeliveryDispatcher dispatcher, RejectionLog rejectionLog,
                    ObjectMapper json) {
        this.store = store;
        this.replay = replay;
        this.dispatcher = dispatcher;
        this.rejectionLog = rejectionLog;
        this.json = json;
    }

    @GetMapping("/api/v1/events/{id}")
    ObjectNode event(@PathVariable String id) {
        var stored = store.event(id).orElseThrow(() -> ProblemException.notFound("No event '" + id + "'."));
        ObjectNode view = json.createObjectNode();
        view.set("event", stored.event());
        addReceived(view, stored.received());
        return view;
    }

    /** The last refused webhook requests: when, source, reason, client address; never the body. */
    @GetMapping("/api/v1/rejections")
    ObjectNode rejections(@RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        ObjectNode page = json.createObjectNode();
        page.putArray("items").addAll(rejectionLog.latest(limit));
        return page;
    }

    /** Quarantined payloads, newest first; of one provider, one reason, or both. */
    @GetMapping("/api/v1/quarantine")
    ObjectNode quarantine(@RequestParam(required = false) String provider, @RequestParam(required = false) String reason,
                          @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        ObjectNode page = json.createObjectNode();
        var items = page.putArray("items");
        store.quarantined(provider, checkReason(reason), limit).forEach(q -> items.add(view(q)));
        return page;
    }

    /** The quarantine by provider and reason, with counts: the largest group first. */
    @GetMapping("/api/v1/quarantine/groups")
    QuarantineGroups quarantineGroups() {
        return new QuarantineGroups(store.quarantineGroups());
    }

    record QuarantineGroups(List<QuarantineGroup> items) {
    }

    /**
     * Replays a group (a provider, a reason, or both; at most {@code limit}, newest first) through the
     * current mappings, each payload in its own transaction: a result per entry, and the totals.
     */
    @PostMapping("/api/v1/quarantine/replay")
    ReplayReport replayAll(@RequestParam(required = false) String provider, @RequestParam(required = false) String reason,
                           @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        List<QuarantineReplay.Outcome> items = replay.replayAll(provider, checkReason(reason), limit, dispatcher::plan);
        return new ReplayReport(items.size(), count(items, "accepted"), count(items, "quarantined"), items);
    }

    /** What a bulk replay did: how many it tried, how many became events, how many failed again; then each. */
    record ReplayReport(int replayed, int accepted, int quarantined, List<QuarantineReplay.Outcome> items) {
    }

    private static int count(List<QuarantineReplay.Outcome> items, String status) {
        return (int) items.stream().filter(o -> o.status().equals(status)).count();
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw ProblemException.badRequest("limit must be between 1 and 1000.");
        }
    }

    private static String checkReason(String reason) {
        if (reason == null) {
            return null;
        }
        try {
            return Normalization.Reason.ofCode(reason).code();
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("reason must be one of unmapped, mapping_error, invalid.");
        }
    }

    @GetMapping("/api/v1/quarantine/{id}")
    ObjectNode quarantined(@PathVariable String id) {
        return view(store.quarantined(id).orElseThrow(() -> ProblemException.notFound("No quarantined payload '" + id + "'.")));
    }

    @PostMapping("/api/v1/quarantine/{id}/replay")
    ResponseEntity<ObjectNode> replay(@PathVariable String id, HttpServletRequest request) {
        Normalization result = replay.replay(id, dispatcher::plan);
        if (result instanceof Quarantined q) {
            ObjectNode problem = ProblemAdvice.unprocessable(q, request);
            return ResponseEntity.unprocessableEntity().contentType(ProblemAdvice.PROBLEM).body(problem);
        }
        ObjectNode event = ((Normalization.Normalized) result).event();
        ObjectNode answer = json.createObjectNode().put("id", result.id()).put("status", "accepted");
        answer.set("event", event);
        return ResponseEntity.ok(answer);
    }

    private ObjectNode view(QuarantineEntry q) {
        ObjectNode view = json.createObjectNode();
        view.put("id", q.id());
        view.put("reason", q.reason());
        view.put("providerevent", q.providerEvent());
        view.put("detail", q.detail());
        addReceived(view, q.received());
        return view;
    }

    private void addReceived(ObjectNode view, ReceivedPayload received) {
        view.put("provider", received.provider());
        view.put("sourceId", received.sourceId());
        view.put("eventKey", received.eventKey());
        view.put("receivedAt", received.receivedAt().toString());
        view.set("headers", json.valueToTree(received.headers()));
        try {
            view.set("payload", json.readTree(received.body()));
        } catch (IOException e) {
            view.put("body", received.body());
        }
    }
}
