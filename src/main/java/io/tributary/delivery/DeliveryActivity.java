package io.tributary.delivery;

import java.time.Instant;

/**
 * Deliveries within one time bucket: how many settled as delivered and as exhausted, and how long
 * the first attempt came after the event was accepted (average and longest, milliseconds).
 *
 * @param bucket the bucket's start
 */
public record DeliveryActivity(Instant bucket, long succeeded, long exhausted, long firstAttempts, Double firstAttemptAvgMs,
                               Double firstAttemptMaxMs) {
}
