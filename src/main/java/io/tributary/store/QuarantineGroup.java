package io.tributary.store;

import java.time.Instant;

/**
 * The quarantined payloads of one provider that failed for one reason: how many, and when the first
 * and last of them arrived.
 */
public record QuarantineGroup(String provider, String reason, long count, Instant oldest, Instant newest) {
}
