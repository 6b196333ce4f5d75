package io.tributary.delivery;

import java.time.Instant;
import java.util.List;

/**
 * A delivery as the API shows it: where it stands and every attempt, read from the store.
 *
 * @param settledAt  when it succeeded, was dead-lettered or was refused by its filter ({@code FILTERED}), else {@code null}
 * @param heldReason why it is held though its subscription is not paused (its filter failed or went over
 *                   its budget), else {@code null}; resuming the subscription sends it
 * @param attempts  every HTTP try, in the order they were made (a replay starts numbering again)
 */
public record DeliveryRecord(String id, String eventId, String subscriptionId, DeliveryStatus status, boolean held,
                             Instant createdAt, Instant nextAttemptAt, int attemptCount, Instant settledAt,
                             String heldReason, List<DeliveryAttempt> attempts) {
}
