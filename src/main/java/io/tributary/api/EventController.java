package io.tributary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.media.Schema;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.ingest.QuarantineReplay;
import io.tributary.ingest.Rejection;
import io.tributary.ingest.RejectionLog;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.store.EventStore;
import io.tributary.store.QuarantineEntry;
import io.tributary.store.QuarantineGroup;
import io.tributary.store.ReceivedPayload;
import io.tributary.system.ProblemException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

    /**
     * An accepted event: the canonical event, and the provider's request as it arrived.
     *
     * @param payload the provider's body when it is JSON; else {@code body} has it as text
     * @param headers the request's headers, credentials redacted
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record EventView(@Schema(description = "The canonical event (CloudEvents 1.0, JSON)") ObjectNode event, String provider,
                     String sourceId, String eventKey, Instant receivedAt, Map<String, String> headers, JsonNode payload, String body) {
    }

    @GetMapping("/api/v1/events/{id}")
    EventView event(@PathVariable String id) {
        var stored = store.event(id).orElseThrow(() -> ProblemException.notFound("No event '" + id + "'."));
        ReceivedPayload r = stored.received();
        JsonNode payload = payload(r);
        return new EventView(stored.event(), r.provider(), r.sourceId(), r.eventKey(), r.receivedAt(), r.headers(), payload,
                payload == null ? r.body() : null);
    }

    record Rejections(List<Rejection> items) {
    }

    /** The last refused webhook requests: when, source, reason, client address; never the body. */
    @GetMapping("/api/v1/rejections")
    Rejections rejections(@RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        return new Rejections(rejectionLog.latest(limit));
    }

    /**
     * A payload in quarantine: why ({@code reason}, {@code detail}), and the provider's request as it arrived.
     *
     * @param id      its key: replay it with {@code POST /api/v1/quarantine/{id}/replay}
     * @param payload the provider's body when it is JSON; else {@code body} has it as text
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QuarantinedView(String id, @Schema(description = "unmapped, mapping_error or invalid") String reason, String providerevent,
                           String detail, String provider, String sourceId, String eventKey, Instant receivedAt,
                           Map<String, String> headers, JsonNode payload, String body) {
    }

    record QuarantineList(List<QuarantinedView> items) {
    }

    /** Quarantined payloads, newest first; of one provider, one reason, or both. */
    @GetMapping("/api/v1/quarantine")
    QuarantineList quarantine(@RequestParam(required = false) String provider, @RequestParam(required = false) String reason,
                              @RequestParam(defaultValue = "100") int limit) {
        checkLimit(limit);
        return new QuarantineList(store.quarantined(provider, checkReason(reason), limit).stream().map(this::view).toList());
    }

    @GetMapping("/api/v1/quarantine/{id}")
    QuarantinedView quarantined(@PathVariable String id) {
        return view(store.quarantined(id).orElseThrow(() -> ProblemException.notFound("No quarantined payload '" + id + "'.")));
    }

    /** Runs one quarantined payload through the current mapping: the event it became, or 422 with why it still does not map. */
    @PostMapping("/api/v1/quarantine/{id}/replay")
    Replayed replay(@PathVariable String id) {
        Normalization result = replay.replay(id, dispatcher::plan);
        if (result instanceof Quarantined q) {
            throw new ProblemAdvice.NotMapped(q);
        }
        return new Replayed(result.id(), "accepted", ((Normalization.Normalized) result).event());
    }

    /** @param event the canonical event it became */
    record Replayed(String id, String status, ObjectNode event) {
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

    private QuarantinedView view(QuarantineEntry q) {
        ReceivedPayload r = q.received();
        JsonNode payload = payload(r);
        return new QuarantinedView(q.id(), q.reason(), q.providerEvent(), q.detail(), r.provider(), r.sourceId(), r.eventKey(),
                r.receivedAt(), r.headers(), payload, payload == null ? r.body() : null);
    }

    /** The provider's body as JSON, or null when it is not JSON. */
    private JsonNode payload(ReceivedPayload received) {
        try {
            JsonNode payload = json.readTree(received.body());
            return payload == null || payload.isMissingNode() ? null : payload;
        } catch (IOException e) {
            return null;
        }
    }
}
