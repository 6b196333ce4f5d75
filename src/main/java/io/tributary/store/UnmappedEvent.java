package io.tributary.store;

import java.time.Instant;

/**
 * A provider event name seen unmapped (drift): how often, first and last, and when it was announced
 * as {@code tributary.mapping.unmapped} ({@code null}: not yet).
 *
 * @param providerEvent the name as received; empty for payloads that name no event
 */
public record UnmappedEvent(String id, String provider, String providerEvent, long seen, Instant firstSeen, Instant lastSeen,
                            Instant announcedAt) {
}
