package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.FieldsRead;
import io.tributary.store.EventStore;
import io.tributary.store.UnmappedEvent;
import io.tributary.system.ProblemException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Drift, noticed rather than discovered: the provider events seen unmapped (how often, first and
 * last, whether announced as {@code tributary.mapping.unmapped}), and the payload fields the
 * provider's mapping does not read, per provider event, in its latest kept payloads.
 */
@RestController
class DriftController {

    private final EventStore store;
    private final EventNormalizer normalizer;
    private final ObjectMapper json;

    DriftController(EventStore store, EventNormalizer normalizer, ObjectMapper json) {
        this.store = store;
        this.normalizer = normalizer;
        this.json = json;
    }

    /**
     * A payload field no mapping reads.
     *
     * @param field    its JSON Pointer, array items as {@code *}
     * @param payloads how many of the payloads looked at have it
     * @param firstSeen the earliest of them
     */
    record UnreadField(String provider, String providerEvent, String field, int payloads, Instant firstSeen) {
    }

    /** @param looked how many kept payloads of each provider were read for {@code unreadFields} */
    record Drift(List<UnmappedEvent> unmapped, List<UnreadField> unreadFields, int looked) {
    }

    @GetMapping("/api/v1/drift")
    Drift drift(@RequestParam(required = false) String provider, @RequestParam(defaultValue = "500") int payloads) {
        if (payloads < 1 || payloads > 10_000) {
            throw ProblemException.invalidField("payloads", "between 1 and 10000.");
        }
        if (provider != null && !normalizer.knows(provider)) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
        List<UnmappedEvent> unmapped = store.unmapped().stream().filter(u -> provider == null || u.provider().equals(provider)).toList();
        List<UnreadField> unread = new ArrayList<>();
        for (String p : provider == null ? normalizer.providers() : Set.of(provider)) {
            Set<String> read = FieldsRead.of(normalizer.mappingText(p).orElse(""));
            Map<String, UnreadField> found = new TreeMap<>();
            for (EventStore.KeptPayload kept : store.latestPayloads(p, payloads)) {
                JsonNode payload;
                try {
                    payload = json.readTree(kept.body());
                } catch (IOException e) {
                    continue;
                }
                String event = kept.providerEvent() == null ? "" : kept.providerEvent();
                for (String field : FieldsRead.unread(payload, read)) {
                    found.merge(event + "\u0000" + field, new UnreadField(p, event, field, 1, kept.receivedAt()),
                            (a, b) -> new UnreadField(p, event, field, a.payloads() + 1,
                                    a.firstSeen().isBefore(b.firstSeen()) ? a.firstSeen() : b.firstSeen()));
                }
            }
            unread.addAll(found.values());
        }
        return new Drift(unmapped, unread, payloads);
    }
}
