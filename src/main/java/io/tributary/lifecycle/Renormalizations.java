package io.tributary.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEvents;
import io.tributary.canonical.EventContext;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.ingest.EventKeys;
import io.tributary.ingest.SourceProperties;
import io.tributary.ingest.WebhookIngestor;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.store.EventStore;
import io.tributary.system.JsonDiff;
import io.tributary.system.ProblemException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-normalizing replay: a provider's kept raw payloads of a time range through the live mapping
 * again. An event whose canonical form comes out different gets a new revision (its {@code revision}
 * one more than the kept one's, which is 1 when it has none), stored in place of the kept one and
 * delivered to the subscriptions that take it as it is now, under the same key (so the same
 * {@code webhook-id}). A dry run only counts. A job runs on the member that started it, one payload at
 * a time, and can be cancelled between two.
 */
public final class Renormalizations {

    private static final Logger log = LoggerFactory.getLogger(Renormalizations.class);
    private static final int PAGE = 200;
    private static final int EXAMPLES = 5;

    /** A job's progress, as the API shows it. */
    public record Progress(String id, String provider, Instant from, Instant to, boolean dryRun, String actor, String status,
                           long total, long processed, long revised, long unchanged, long quarantined, long failed,
                           Instant startedAt, Instant finishedAt, List<Example> examples) {
    }

    /** An event that changed: where it is, and how (the kept form {@code expected}, the new {@code actual}). */
    public record Example(String key, int revision, List<JsonDiff.Difference> differences) {
    }

    private final class Job implements Runnable {
        final String id = UUID.randomUUID().toString();
        final String provider;
        final Instant from;
        final Instant to;
        final boolean dryRun;
        final String actor;
        final Instant startedAt = clock.instant();
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicLong processed = new AtomicLong();
        final AtomicLong revised = new AtomicLong();
        final AtomicLong unchanged = new AtomicLong();
        final AtomicLong quarantined = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final List<Example> examples = Collections.synchronizedList(new ArrayList<>());
        volatile long total;
        volatile String status = "running";
        volatile Instant finishedAt;

        Job(String provider, Instant from, Instant to, boolean dryRun, String actor) {
            this.provider = provider;
            this.from = from;
            this.to = to;
            this.dryRun = dryRun;
            this.actor = actor;
        }

        @Override
        public void run() {
            try {
                total = store.countEvents(provider, from, to);
                Instant afterAt = null;
                String afterKey = null;
                while (!cancelled.get()) {
                    List<EventStore.KeptEvent> page = store.eventPage(provider, from, to, afterAt, afterKey, PAGE);
                    for (EventStore.KeptEvent kept : page) {
                        if (cancelled.get()) {
                            break;
                        }
                        one(kept);
                        processed.incrementAndGet();
                        afterAt = kept.received().receivedAt();
                        afterKey = kept.key();
                    }
                    if (page.size() < PAGE) {
                        break;
                    }
                }
                status = cancelled.get() ? "cancelled" : "done";
            } catch (RuntimeException e) {
                log.warn("re-normalizing replay {} of {} stopped: {}", id, provider, e.toString());
                status = "failed";
            } finally {
                finishedAt = clock.instant();
            }
        }

        private void one(EventStore.KeptEvent kept) {
            JsonNode payload;
            try {
                payload = json.readTree(kept.received().body());
            } catch (IOException e) {
                failed.incrementAndGet();
                return;
            }
            if (!(payload instanceof ObjectNode object)) {
                failed.incrementAndGet();
                return;
            }
            EventContext ctx = sources.arrivalOf(kept.received(), object);
            SourceProperties.Source source = sources.sources().get(kept.received().sourceId());
            // the payload may make several events (a batch item, a mapping's array): this one is the one kept under this key
            Optional<Normalization> now = normalizer.normalizeAll(ctx).stream()
                    .filter(r -> EventKeys.of(provider, kept.received().sourceId(), r.id()).equals(kept.key())).findFirst();
            if (now.isEmpty() || now.get() instanceof Normalization.Quarantined) {
                quarantined.incrementAndGet(); // the live mapping would not make this event now: it stays as it is
                return;
            }
            ObjectNode fresh = ((Normalization.Normalized) (source == null ? now.get() : WebhookIngestor.bound(source, now.get()))).event();
            List<JsonDiff.Difference> differences = JsonDiff.between(CanonicalEvents.withoutProvenance(kept.event()), CanonicalEvents.withoutProvenance(fresh));
            if (differences.isEmpty()) {
                unchanged.incrementAndGet();
                return;
            }
            int revision = kept.event().path("revision").asInt(1) + 1;
            fresh.put("recordedtime", kept.event().path("recordedtime").asText());
            fresh.put("revision", revision);
            if (!dryRun && !store.saveRevision(kept.key(), kept.stored(), fresh, dispatcher.planRevision(kept.key(), fresh, revision))) {
                failed.incrementAndGet(); // revised meanwhile by another replay: that one stands
                return;
            }
            revised.incrementAndGet();
            if (examples.size() < EXAMPLES) {
                examples.add(new Example(kept.key(), revision, differences));
            }
        }

        Progress progress() {
            return new Progress(id, provider, from, to, dryRun, actor, status, total, processed.get(), revised.get(), unchanged.get(),
                    quarantined.get(), failed.get(), startedAt, finishedAt, List.copyOf(examples));
        }
    }

    private final EventStore store;
    private final EventNormalizer normalizer;
    private final DeliveryDispatcher dispatcher;
    private final SourceProperties sources;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final ExecutorService runner = Executors.newSingleThreadExecutor(run -> {
        Thread thread = new Thread(run, "tributary-renormalize");
        thread.setDaemon(true);
        return thread;
    });

    Renormalizations(EventStore store, EventNormalizer normalizer, DeliveryDispatcher dispatcher, SourceProperties sources,
                     ObjectMapper json, Clock clock) {
        this.store = store;
        this.normalizer = normalizer;
        this.dispatcher = dispatcher;
        this.sources = sources;
        this.json = json;
        this.clock = clock;
    }

    /** Starts a replay; jobs run one after another. */
    public Progress start(String provider, Instant from, Instant to, boolean dryRun, String actor) {
        if (!normalizer.knows(provider)) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw ProblemException.invalidField("to", "must be after from.");
        }
        Job job = new Job(provider, from, to, dryRun, actor);
        jobs.put(job.id, job);
        runner.execute(job);
        log.info("re-normalizing replay {} of {} started by {}{}", job.id, provider, actor, dryRun ? " (dry run)" : "");
        return job.progress();
    }

    public Optional<Progress> progress(String id) {
        return Optional.ofNullable(jobs.get(id)).map(Job::progress);
    }

    public List<Progress> all() {
        return jobs.values().stream().map(Job::progress).sorted((a, b) -> b.startedAt().compareTo(a.startedAt())).toList();
    }

    /** Stops a job between two payloads; what it revised stays revised. */
    public Optional<Progress> cancel(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            return Optional.empty();
        }
        job.cancelled.set(true);
        return Optional.of(job.progress());
    }
}
