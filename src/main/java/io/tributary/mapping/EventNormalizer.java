package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.CanonicalEvents;
import io.tributary.canonical.EventContext;
import io.tributary.canonical.UnreadableTime;
import io.tributary.system.JsonPointers;
import io.tributary.mapping.Normalization.Normalized;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.mapping.Normalization.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Provider payload in, canonical event (or quarantine reason) out: mapping, envelope, schema check.
 * Stateless and thread-safe; stores and deduplicates nothing, so the dry-run API and the webhook
 * route share it.
 */
public final class EventNormalizer {

    private final Supplier<MappingRegistry> loader;
    private final AtomicReference<MappingRegistry> mappings;
    private final CanonicalEventValidator validator;

    /** @param loader loads every mapping; called now and on {@link #reload()} */
    public EventNormalizer(Supplier<MappingRegistry> loader, CanonicalEventValidator validator) {
        this.loader = loader;
        this.mappings = new AtomicReference<>(loader.get());
        this.validator = validator;
    }

    public EventNormalizer(MappingRegistry mappings, CanonicalEventValidator validator) {
        this(() -> mappings, validator);
    }

    /**
     * A mapping beside a provider's live one: it runs in shadow on the live traffic, and its report
     * says what it would change.
     */
    public record Candidate(String provider, String text, String version, EventNormalizer normalizer, ShadowReport live) {
    }

    /** Live payloads waiting for their shadow run at most; more are not shadowed (the report counts what was). */
    private static final int SHADOW_QUEUE = 1000;
    private final ConcurrentMap<String, Candidate> candidates = new ConcurrentHashMap<>();
    /** One shadow thread for the process: a normalizer made for a playground try or a candidate needs none of its own. */
    private static final ExecutorService SHADOWS = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SHADOW_QUEUE), run -> {
        Thread thread = new Thread(run, "tributary-shadow");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
        return thread;
    }, new ThreadPoolExecutor.DiscardPolicy());

    /**
     * Loads a candidate for a provider (replacing its earlier one, and that one's report).
     *
     * @throws IllegalStateException when the text does not parse
     */
    public Candidate propose(String provider, String text) {
        Candidate candidate = new Candidate(provider, text, MappingVersion.of(text), trying(provider, text), new ShadowReport());
        candidates.put(provider, candidate);
        return candidate;
    }

    public java.util.Optional<Candidate> candidate(String provider) {
        return java.util.Optional.ofNullable(candidates.get(provider));
    }

    public void discard(String provider) {
        candidates.remove(provider);
    }

    /**
     * Runs the provider's candidate, if it has one, on a payload the live mapping took, off the
     * request's thread: the webhook never waits for a shadow, and a full queue skips it.
     */
    public void shadow(EventContext ctx, List<Normalization> live) {
        Candidate candidate = candidates.get(ctx.provider());
        if (candidate != null) {
            SHADOWS.execute(() -> candidate.live().add("live", live, candidate.normalizer().normalizeAll(ctx)));
        }
    }

    public boolean knows(String provider) {
        return mappings.get().knows(provider);
    }

    public Set<String> providers() {
        return mappings.get().providers();
    }

    /** The {@link MappingVersion} of a provider's live mapping. */
    public java.util.Optional<String> mappingVersion(String provider) {
        return mappings.get().version(provider);
    }

    /** The text of a provider's live mapping. */
    public java.util.Optional<String> mappingText(String provider) {
        return mappings.get().text(provider);
    }

    /**
     * A normalizer for one try: the live mappings with one provider's replaced by {@code text}; the
     * live ones are not touched.
     *
     * @throws IllegalStateException when the text does not parse
     */
    public EventNormalizer trying(String provider, String text) {
        return new EventNormalizer(mappings.get().with(provider, text), validator);
    }

    /**
     * Loads the mappings again (after a mapping file was added or changed in
     * {@code tributary.mappings.location}), so quarantined payloads can be replayed through them. A
     * mapping that does not parse fails the reload and leaves the current ones in place.
     */
    public Set<String> reload() {
        MappingRegistry fresh = loader.get();
        mappings.set(fresh);
        return fresh.providers();
    }

    /**
     * The payload's one event. A payload the mapping makes several events of is quarantined as
     * {@code mapping_error} here: only {@link #normalizeAll} takes several.
     */
    public Normalization normalize(EventContext ctx) {
        List<Normalization> all = normalizeAll(ctx);
        if (all.size() == 1) {
            return all.get(0);
        }
        return quarantine(ctx, -1, null, null, Reason.MAPPING_ERROR,
                "the mapping made " + all.size() + " events of this payload, where one is taken");
    }

    /**
     * The payload's events: one, or as many as the array the mapping returns (a provider that reports
     * several facts in one payload), each normalized and checked on its own. An empty array is an
     * {@code unmapped} payload: never silently nothing.
     */
    public List<Normalization> normalizeAll(EventContext ctx) {
        MappingRegistry registry = mappings.get();
        String version = registry.version(ctx.provider()).orElse(null);
        JsonNode mapped;
        try {
            mapped = registry.evaluate(ctx.provider(), ctx.payload(), ctx.eventKey());
        } catch (MappingException e) {
            return List.of(quarantine(ctx, -1, null, null, Reason.MAPPING_ERROR, e.getMessage()));
        }
        if (mapped instanceof ArrayNode items) {
            if (items.isEmpty()) {
                return List.of(quarantine(ctx, -1, null, null, Reason.UNMAPPED, "the mapping made no event of this payload"));
            }
            List<Normalization> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(one(ctx, items.get(i), i, version));
            }
            return out;
        }
        return List.of(one(ctx, mapped, -1, version));
    }

    /**
     * @param part    the item's place in the mapping's array, or -1 when the mapping gave one object
     * @param version the mapping's {@link MappingVersion}, which the event carries as {@code mappingversion}
     */
    private Normalization one(EventContext ctx, JsonNode mapped, int part, String version) {
        if (!(mapped instanceof ObjectNode result)) {
            return quarantine(ctx, part, null, null, Reason.MAPPING_ERROR,
                    part < 0 ? "the mapping produced no object" : "item " + part + " of the mapping's array is not an object");
        }
        String providerEvent = CanonicalEvents.text(result.get("providerevent"));
        if (providerEvent == null) {
            providerEvent = ctx.eventKey();
        }
        String providerId = CanonicalEvents.text(result.get("id"));
        if (CanonicalEvents.text(result.get("type")) == null) {
            return quarantine(ctx, part, providerId, providerEvent, Reason.UNMAPPED,
                    providerEvent == null ? "the payload names no event" : "no canonical type for event '" + providerEvent + "'");
        }
        ObjectNode event;
        try {
            event = CanonicalEvents.finish(result, ctx, part);
            event.put("mappingversion", version);
        } catch (UnreadableTime e) {
            return quarantine(ctx, part, providerId, providerEvent, Reason.INVALID, unreadable(e.field(), result, ctx.payload()));
        }
        List<String> violations = validator.violations(event);
        if (!violations.isEmpty()) {
            return quarantine(ctx, part, event.path("id").asText(), providerEvent, Reason.INVALID, String.join("; ", violations));
        }
        return new Normalized(event.get("id").asText(), event);
    }

    /**
     * Names the canonical field and, where the mapping copied it, the payload field the time came
     * from; never its value (a quarantine detail carries no payload values).
     */
    static String unreadable(String field, JsonNode mapped, JsonNode payload) {
        String from = JsonPointers.firstHolding(payload, mapped.at(field));
        return field + ": not a time" + (from == null ? "" : " (the payload's " + from + ")");
    }

    /** @param part the item's place in the mapping's array, or -1: tells the kept ids of one payload's items apart */
    private static Quarantined quarantine(EventContext ctx, int part, String id, String providerEvent, Reason reason, String detail) {
        String named = providerEvent != null ? providerEvent : ctx.eventKey();
        String key = id != null ? id
                : CanonicalEvents.derivedId(ctx.provider(), ctx.sourceTenant(), part < 0 ? named : (named == null ? "" : named) + "#" + part, ctx.payload());
        return new Quarantined(key, reason, providerEvent, detail);
    }
}
