package io.tributary.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.ingest.SourceProperties;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.MappingVersion;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.ShadowReport;
import io.tributary.store.EventStore;
import io.tributary.system.ProblemException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * A mapping's life after its file: a candidate loaded beside the live mapping, run in shadow on live
 * traffic and on a range of kept payloads, promoted with one call, rolled back with another, each
 * change recorded with who and when. The database is the record: every member follows it within
 * {@code tributary.mappings.check-interval} (a promotion on one member is live on all), and a
 * promoted mapping takes the place of the files' for its provider, also after a restart.
 */
public final class MappingLifecycle {

    private static final Logger log = LoggerFactory.getLogger(MappingLifecycle.class);
    /** Most kept payloads a shadow run over stored traffic reads, of events and of the quarantine each. */
    static final int MAX_SHADOW = 10_000;

    private final MappingVersions versions;
    private final EventNormalizer normalizer;
    private final EventStore store;
    private final SourceProperties sources;
    private final ObjectMapper json;
    private final Clock clock;

    MappingLifecycle(MappingVersions versions, EventNormalizer normalizer, EventStore store, SourceProperties sources, ObjectMapper json,
                     Clock clock) {
        this.versions = versions;
        this.normalizer = normalizer;
        this.store = store;
        this.sources = sources;
        this.json = json;
        this.clock = clock;
    }

    /** Follows the database: reloads when a promotion or rollback changed what is live, loads or drops candidates. */
    @Scheduled(fixedDelayString = "${tributary.mappings.check-interval:5s}", initialDelayString = "${tributary.mappings.check-interval:5s}")
    public void follow() {
        try {
            Map<String, MappingVersions.Version> live = versions.inState("live");
            boolean stale = live.entrySet().stream()
                    .anyMatch(e -> !e.getValue().version().equals(normalizer.mappingVersion(e.getKey()).orElse(null)));
            if (stale) {
                normalizer.reload();
            }
            Map<String, MappingVersions.Version> candidates = versions.inState("candidate");
            for (String provider : normalizer.providers()) {
                MappingVersions.Version wanted = candidates.get(provider);
                String loaded = normalizer.candidate(provider).map(EventNormalizer.Candidate::version).orElse(null);
                if (wanted == null && loaded != null) {
                    normalizer.discard(provider);
                } else if (wanted != null && !wanted.version().equals(loaded)) {
                    normalizer.propose(provider, wanted.mapping());
                }
            }
        } catch (DataAccessException | IllegalStateException e) {
            log.warn("mapping versions not followed now: {}", e.getMessage());
        }
    }

    /** What the API shows of a provider's mappings. */
    public record State(String provider, String liveVersion, String candidateVersion, ShadowReport.View shadowOnLiveTraffic,
                 List<MappingVersions.Version> history, List<MappingVersions.Change> changes) {
    }

    public State state(String provider) {
        known(provider);
        return new State(provider, normalizer.mappingVersion(provider).orElse(null),
                normalizer.candidate(provider).map(EventNormalizer.Candidate::version).orElse(null),
                normalizer.candidate(provider).map(c -> c.live().view()).orElse(null),
                versions.history(provider), versions.changes(provider));
    }

    /** Loads a candidate beside the live mapping (replacing an earlier candidate); it runs in shadow from now on. */
    public EventNormalizer.Candidate propose(String provider, String mapping, String actor) {
        known(provider);
        if (mapping == null || mapping.isBlank()) {
            throw ProblemException.invalidField("mapping", "give the candidate mapping's text.");
        }
        EventNormalizer.Candidate candidate;
        try {
            candidate = normalizer.propose(provider, mapping);
        } catch (IllegalStateException e) {
            throw ProblemException.invalidField("mapping", e.getMessage());
        }
        versions.propose(provider, candidate.version(), mapping, actor, clock.instant());
        return candidate;
    }

    public void discard(String provider, String actor) {
        known(provider);
        versions.discard(provider, actor, clock.instant());
        normalizer.discard(provider);
    }

    /** The candidate goes live here now, on the other members within the check interval. */
    public State promote(String provider, String actor) {
        known(provider);
        if (normalizer.candidate(provider).isEmpty() && versions.current(provider, "candidate").isEmpty()) {
            throw new ProblemException(409, "Conflict", "Provider '" + provider + "' has no candidate mapping to promote.");
        }
        String file = normalizer.mappingText(provider).orElseThrow();
        versions.promote(provider, MappingVersion.of(file), file, actor, clock.instant());
        normalizer.discard(provider);
        normalizer.reload();
        return state(provider);
    }

    /** The mapping the live one replaced is live again. */
    public State rollback(String provider, String actor) {
        known(provider);
        try {
            versions.rollback(provider, actor, clock.instant());
        } catch (IllegalStateException e) {
            throw new ProblemException(409, "Conflict", "Provider '" + provider + "' has " + e.getMessage() + ".");
        }
        normalizer.reload();
        return state(provider);
    }

    /**
     * Runs the candidate and the live mapping over the provider's kept payloads received in
     * {@code [from, to)}, accepted and quarantined, each in the context it arrived in.
     */
    public ShadowReport.View shadowStored(String provider, Instant from, Instant to, int limit) {
        known(provider);
        EventNormalizer.Candidate candidate = normalizer.candidate(provider)
                .orElseThrow(() -> new ProblemException(409, "Conflict", "Provider '" + provider + "' has no candidate mapping."));
        if (limit < 1 || limit > MAX_SHADOW) {
            throw ProblemException.invalidField("limit", "between 1 and " + MAX_SHADOW + ".");
        }
        ShadowReport report = new ShadowReport();
        for (EventStore.StoredPayload kept : store.payloads(provider, from, to, limit)) {
            JsonNode payload;
            try {
                payload = json.readTree(kept.received().body());
            } catch (IOException e) {
                continue;
            }
            if (!(payload instanceof ObjectNode object)) {
                continue;
            }
            EventContext ctx = sources.arrivalOf(kept.received(), object);
            List<Normalization> live = normalizer.normalizeAll(ctx);
            report.add((kept.quarantined() ? "/api/v1/quarantine/" : "/api/v1/events/") + kept.key(), live,
                    candidate.normalizer().normalizeAll(ctx));
        }
        return report.view();
    }

    private void known(String provider) {
        if (!normalizer.knows(Objects.requireNonNull(provider))) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
    }

}
