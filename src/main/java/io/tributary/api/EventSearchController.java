package io.tributary.api;

import io.tributary.ingest.EventKeys;
import io.tributary.ingest.SourceProperties;
import io.tributary.store.EventQuery;
import io.tributary.store.EventStore;
import io.tributary.store.EventSummary;
import io.tributary.system.ProblemException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Searches accepted events, newest first: by canonical type (or a prefix, {@code message.*}),
 * provider, source, tenant, subject, a time range of receipt, and the provider's id. A page ends with
 * {@code next}, the cursor of the page after it, when there may be more.
 */
@RestController
class EventSearchController {

    private static final int MAX_LIMIT = 500;

    private final EventStore store;
    private final SourceProperties sources;

    EventSearchController(EventStore store, SourceProperties sources) {
        this.store = store;
        this.sources = sources;
    }

    @GetMapping("/api/v1/events")
    EventPage search(@RequestParam(required = false) String type, @RequestParam(required = false) String provider,
                      @RequestParam(required = false) String source, @RequestParam(required = false) String tenant,
                      @RequestParam(required = false) String subject, @RequestParam(required = false) String from,
                      @RequestParam(required = false) String to, @RequestParam(required = false) String id,
                      @RequestParam(required = false) String cursor, @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.invalidField("limit", "must be between 1 and " + MAX_LIMIT + ".");
        }
        if (type != null && type.contains("*") && !(type.endsWith(".*") && type.indexOf('*') == type.length() - 1)) {
            throw ProblemException.invalidField("type", "a type, or a prefix of types ending in .* (message.*).");
        }
        EventSummary.Cursor after;
        try {
            after = cursor == null ? null : EventSummary.Cursor.decode(cursor);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("cursor", "not a cursor this API gave.");
        }
        List<EventSummary> page = store.search(new EventQuery(id == null ? null : keysOf(id, provider, source), blank(type),
                blank(provider), blank(source), blank(tenant), blank(subject), instant("from", from), instant("to", to), after, limit));
        return new EventPage(page.stream().map(e -> new EventItem(e.key(), e.id(), e.type(), e.provider(), e.sourceId(), e.tenant(),
                e.subject(), e.time(), e.recordedAt())).toList(),
                page.size() == limit ? page.get(page.size() - 1).cursor().encode() : null);
    }

    /**
     * One event as a search lists it.
     *
     * @param key    its key: {@code GET /api/v1/events/{key}}
     * @param id     the provider's id (the canonical id)
     * @param source the source it came in through
     * @param time   when it happened, as the payload says
     * @param recordedAt when Tributary received it
     */
    record EventItem(String key, String id, String type, String provider, String source, String tenant, String subject, Instant time,
                     Instant recordedAt) {
    }

    /** @param next the cursor of the next page, or null on the last */
    record EventPage(List<EventItem> items, String next) {
    }

    /**
     * The keys an event with the provider's {@code id} can have: one per source that could have received
     * it (of that provider and source, when given), and the id itself (events stored under their own id).
     */
    private List<String> keysOf(String id, String provider, String sourceId) {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(id);
        sources.sources().forEach((name, s) -> {
            if (sourceId == null || sourceId.equals(name)) {
                for (String p : s.provider()) {
                    if (provider == null || provider.equals(p)) {
                        keys.add(EventKeys.of(p, name, id));
                    }
                }
            }
        });
        return new ArrayList<>(keys);
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(String field, String value) {
        if (blank(value) == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ProblemException.invalidField(field, "an instant in ISO-8601, e.g. 2026-12-03T10:15:30Z.");
        }
    }
}
