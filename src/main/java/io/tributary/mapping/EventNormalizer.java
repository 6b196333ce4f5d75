package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.CanonicalEvents;
import io.tributary.canonical.EventContext;
import io.tributary.canonical.UnreadableTime;
import io.tributary.system.JsonPointers;
import io.tributary.mapping.Normalization.Normalized;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.mapping.Normalization.Reason;
import java.util.List;
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

    public boolean knows(String provider) {
        return mappings.get().knows(provider);
    }

    public Set<String> providers() {
        return mappings.get().providers();
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

    public Normalization normalize(EventContext ctx) {
        JsonNode mapped;
        try {
            mapped = mappings.get().evaluate(ctx.provider(), ctx.payload(), ctx.eventKey());
        } catch (MappingException e) {
            return quarantine(ctx, null, null, Reason.MAPPING_ERROR, e.getMessage());
        }
        if (!(mapped instanceof ObjectNode result)) {
            return quarantine(ctx, null, null, Reason.MAPPING_ERROR, "the mapping produced no object");
        }
        String providerEvent = CanonicalEvents.text(result.get("providerevent"));
        if (providerEvent == null) {
            providerEvent = ctx.eventKey();
        }
        String providerId = CanonicalEvents.text(result.get("id"));
        if (CanonicalEvents.text(result.get("type")) == null) {
            return quarantine(ctx, providerId, providerEvent, Reason.UNMAPPED,
                    providerEvent == null ? "the payload names no event" : "no canonical type for event '" + providerEvent + "'");
        }
        ObjectNode event;
        try {
            event = CanonicalEvents.finish(result, ctx);
        } catch (UnreadableTime e) {
            return quarantine(ctx, providerId, providerEvent, Reason.INVALID, unreadable(e.field(), result, ctx.payload()));
        }
        List<String> violations = validator.violations(event);
        if (!violations.isEmpty()) {
            return quarantine(ctx, event.path("id").asText(), providerEvent, Reason.INVALID, String.join("; ", violations));
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

    private static Quarantined quarantine(EventContext ctx, String id, String providerEvent, Reason reason, String detail) {
        String key = id != null ? id
                : CanonicalEvents.derivedId(ctx.provider(), ctx.sourceTenant(), providerEvent != null ? providerEvent : ctx.eventKey(), ctx.payload());
        return new Quarantined(key, reason, providerEvent, detail);
    }
}
