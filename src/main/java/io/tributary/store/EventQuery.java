package io.tributary.store;

import java.time.Instant;
import java.util.List;

/**
 * A search of accepted events, newest first, on the indexed columns. Every criterion is optional.
 *
 * @param keys    only these events (by key), or empty for any
 * @param type    a canonical type, or a prefix of types ending in {@code .*} ({@code message.*})
 * @param from    received at or after, or null
 * @param to      received before, or null
 * @param after   the page before ended at this event: only older ones ({@link EventSummary#cursor()}), or null
 * @param limit   at most this many
 */
public record EventQuery(List<String> keys, String type, String provider, String sourceId, String tenant, String subject,
                         Instant from, Instant to, EventSummary.Cursor after, int limit) {

    public EventQuery {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }
}
