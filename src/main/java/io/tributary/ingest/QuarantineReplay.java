package io.tributary.ingest;

import io.tributary.system.PayloadParser;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Normalized;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.store.QuarantineEntry;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoredEvent;
import io.tributary.system.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.camel.spi.IdempotentRepository;

/**
 * Runs a quarantined payload through the current mapping again, as received (same source tenant,
 * event key and receive time). A success becomes an accepted event, with its deliveries, and leaves
 * the quarantine, all in one transaction; a failure stays, with the new reason.
 */
public final class QuarantineReplay {

    private final EventStore store;
    private final EventNormalizer normalizer;
    private final PayloadParser parser;
    private final IdempotentRepository dedup;
    private final java.util.Map<String, SourceProperties.Source> sources;

    QuarantineReplay(EventStore store, EventNormalizer normalizer, PayloadParser parser, IdempotentRepository dedup,
                     SourceProperties sources) {
        this.sources = sources.sources();
        this.store = store;
        this.normalizer = normalizer;
        this.parser = parser;
        this.dedup = dedup;
    }

    /** What replaying one quarantined payload came to: {@code accepted}, {@code quarantined} (with the new reason) or {@code gone}. */
    public record Outcome(String id, String status, String reason, String detail) {

        static Outcome of(Normalization result) {
            return result instanceof Quarantined q
                    ? new Outcome(result.id(), "quarantined", q.reason().code(), q.detail())
                    : new Outcome(result.id(), "accepted", null, null);
        }
    }

    /**
     * Replays the quarantined payloads of one provider and reason (either may be null for any), at
     * most {@code limit} of them, each in its own transaction as {@link #replay} does: one that fails
     * again stays, one another replay took already is {@code gone}.
     */
    public List<Outcome> replayAll(String provider, String reason, int limit, BiFunction<String, ObjectNode, Companions> plan) {
        List<Outcome> outcomes = new ArrayList<>();
        for (QuarantineEntry entry : store.quarantined(provider, reason, limit)) {
            try {
                Outcome outcome = Outcome.of(replay(entry.id(), plan));
                outcomes.add(new Outcome(entry.id(), outcome.status(), outcome.reason(), outcome.detail()));
            } catch (ProblemException gone) {
                if (gone.status() != 404) {
                    throw gone;
                }
                outcomes.add(new Outcome(entry.id(), "gone", null, gone.getMessage()));
            }
        }
        return outcomes;
    }

    /**
     * @param plan what to store with the event if it now maps (its deliveries, given its key and the
     *             event), in the same transaction that takes it out of the quarantine
     */
    public Normalization replay(String quarantineId, BiFunction<String, ObjectNode, Companions> plan) {
        QuarantineEntry entry = store.quarantined(quarantineId)
                .orElseThrow(() -> ProblemException.notFound("No quarantined payload '" + quarantineId + "'."));
        ReceivedPayload received = entry.received();
        var payload = parser.parseObject(received.body().getBytes(StandardCharsets.UTF_8));
        List<Normalization> results = normalizer.normalizeAll(new EventContext(received.provider(), received.sourceId(),
                entry.tenant(), received.eventKey(), payload, received.receivedAt()));
        SourceProperties.Source source = sources.get(received.sourceId());
        if (source != null) {
            results = results.stream().map(r -> WebhookIngestor.bound(source, r)).toList();
        }
        Normalization result = results.stream().filter(Quarantined.class::isInstance).findFirst().orElse(results.get(0));
        if (result instanceof Quarantined q) {
            // all or nothing: a payload leaves the quarantine only when every event it makes maps
            store.requarantine(new QuarantineEntry(quarantineId, q.reason().code(), q.providerEvent(), q.detail(), entry.tenant(), received));
            return result;
        }
        List<EventStore.Write> writes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (Normalization r : results) {
            Normalized n = (Normalized) r;
            String key = EventKeys.of(received.provider(), received.sourceId(), n.id());
            Companions with = plan.apply(key, n.event());
            writes.add(new EventStore.NewEvent(new StoredEvent(key, n.event(), received), keys.isEmpty() ? with.with(store.release(quarantineId)) : with));
            keys.add(key);
        }
        boolean[] fresh = store.saveAll(writes);
        if (!fresh[0]) {
            store.forget(quarantineId); // accepted already (its provider sent it again once it mapped)
        }
        keys.forEach(dedup::add);
        return result;
    }
}
