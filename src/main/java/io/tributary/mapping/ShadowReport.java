package io.tributary.mapping;

import io.tributary.canonical.CanonicalEvents;
import io.tributary.system.JsonDiff;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a candidate mapping would do beside the live one, payload by payload: each event the two make
 * is unchanged, {@code changed} (both map it, differently), {@code added} (only the candidate makes
 * it), {@code removed} (only the live one makes it), {@code quarantined} (the live one maps it, the
 * candidate would quarantine it) or {@code released} (the live one quarantines it, the candidate maps
 * it); with a few examples of each, as field-level differences. Thread-safe: live traffic adds to it
 * from the shadow's thread while the API reads it.
 */
public final class ShadowReport {

    public enum Change { UNCHANGED, CHANGED, ADDED, REMOVED, QUARANTINED, RELEASED }

    /**
     * One example.
     *
     * @param payload     where the payload is ({@code /api/v1/events/{key}}, the quarantine's key), or
     *                    {@code live} for live traffic
     * @param differences field by field, the live event as {@code expected} and the candidate's as {@code actual}
     * @param reason      the quarantine reason of the side that quarantines, if one does
     */
    public record Example(String payload, String providerEvent, List<JsonDiff.Difference> differences, String reason) {
    }

    /** As the API shows it. */
    public record View(long payloads, Map<Change, Long> events, Map<Change, List<Example>> examples) {
    }

    /** Examples kept of each kind. */
    private static final int EXAMPLES = 5;

    private long payloads;
    private final Map<Change, Long> counts = new EnumMap<>(Change.class);
    private final Map<Change, List<Example>> examples = new EnumMap<>(Change.class);

    /** Compares what the live mapping and the candidate made of one payload, and counts it. */
    public synchronized void add(String payload, List<Normalization> live, List<Normalization> candidate) {
        payloads++;
        for (int i = 0; i < Math.max(live.size(), candidate.size()); i++) {
            Normalization l = i < live.size() ? live.get(i) : null;
            Normalization c = i < candidate.size() ? candidate.get(i) : null;
            Change change;
            Example example = null;
            if (l instanceof Normalization.Normalized ln && c instanceof Normalization.Normalized cn) {
                List<JsonDiff.Difference> diff = JsonDiff.between(CanonicalEvents.withoutProvenance(ln.event()), CanonicalEvents.withoutProvenance(cn.event()));
                change = diff.isEmpty() ? Change.UNCHANGED : Change.CHANGED;
                example = new Example(payload, ln.event().path("providerevent").asText(null), diff, null);
            } else if (l instanceof Normalization.Normalized ln) {
                change = c == null ? Change.REMOVED : Change.QUARANTINED;
                example = new Example(payload, ln.event().path("providerevent").asText(null), List.of(),
                        c == null ? null : ((Normalization.Quarantined) c).reason().code() + ": " + ((Normalization.Quarantined) c).detail());
            } else if (c instanceof Normalization.Normalized cn) {
                change = l == null ? Change.ADDED : Change.RELEASED;
                example = new Example(payload, cn.event().path("providerevent").asText(null), JsonDiff.between(null, CanonicalEvents.withoutProvenance(cn.event())),
                        l == null ? null : ((Normalization.Quarantined) l).reason().code());
            } else {
                change = Change.UNCHANGED; // quarantined by both, or by neither
            }
            counts.merge(change, 1L, Long::sum);
            if (change != Change.UNCHANGED) {
                List<Example> kept = examples.computeIfAbsent(change, k -> new ArrayList<>());
                if (kept.size() < EXAMPLES) {
                    kept.add(example);
                }
            }
        }
    }

    public synchronized View view() {
        Map<Change, Long> events = new EnumMap<>(Change.class);
        for (Change c : Change.values()) {
            events.put(c, counts.getOrDefault(c, 0L));
        }
        Map<Change, List<Example>> shown = new EnumMap<>(Change.class);
        examples.forEach((k, v) -> shown.put(k, List.copyOf(v)));
        return new View(payloads, Collections.unmodifiableMap(events), Collections.unmodifiableMap(shown));
    }
}
