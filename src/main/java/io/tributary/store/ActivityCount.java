package io.tributary.store;

import java.time.Instant;

/**
 * How many events one provider sent of one canonical type within one time bucket.
 *
 * @param bucket the bucket's start
 */
public record ActivityCount(Instant bucket, String provider, String type, long count) {
}
