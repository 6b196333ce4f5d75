package io.tributary.delivery;

import java.time.Instant;

/**
 * One canonical event to one subscription, as a worker holds it. Its id is
 * {@code <eventId>/<subscriptionId>}: a second fan-out of the same event cannot make a second delivery.
 * Its attempts are appended to the store and not kept here.
 *
 * @param held          waiting for its subscription to be resumed
 * @param nextAttemptAt when it is due
 * @param attemptCount  attempts made: the position in the retry schedule
 * @param claim         which claim of the delivery this is (the store counts them); only the holder of
 *                      the latest claim may record an outcome, so a delivery taken over by another
 *                      member is never overwritten by the one that lost it
 * @param filterPending its subscription's filter has yet to decide whether the event goes out at all:
 *                      it did not answer while the webhook waited, and runs before the first attempt
 */
public record Delivery(String id, String eventId, String subscriptionId, DeliveryStatus status, boolean held,
                       Instant createdAt, Instant nextAttemptAt, int attemptCount, int claim, boolean filterPending) {

    static String idOf(String eventId, String subscriptionId) {
        return eventId + "/" + subscriptionId;
    }

    /**
     * A new delivery, claimed (claim 1) by the member that accepts its event, or held for a paused subscription.
     *
     * @param filterPending its subscription's filter is still to be run
     */
    static Delivery pending(String eventId, String subscriptionId, boolean held, boolean filterPending, Instant now) {
        return pending(eventId, subscriptionId, 1, held, filterPending, now);
    }

    /**
     * A new delivery of a revision of its event: its own id ({@code <event>/<subscription>~r<revision>}),
     * its own attempts and dead letter; the webhook-id it is sent with is its event's key, as for every
     * revision.
     */
    static Delivery pending(String eventId, String subscriptionId, int revision, boolean held, boolean filterPending, Instant now) {
        String id = idOf(eventId, subscriptionId) + (revision > 1 ? "~r" + revision : "");
        return new Delivery(id, eventId, subscriptionId, DeliveryStatus.PENDING, held, now, now, 0,
                held ? 0 : 1, filterPending);
    }

    Delivery with(DeliveryStatus status, boolean held, Instant nextAttemptAt) {
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, nextAttemptAt, attemptCount, claim, filterPending);
    }

    /** The same delivery after one more attempt. */
    Delivery attempted(DeliveryStatus status, boolean held, Instant nextAttemptAt) {
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, nextAttemptAt, attemptCount + 1, claim, filterPending);
    }

    /** The same delivery as claimed once more (claims are only ever taken of unheld deliveries). */
    Delivery claimedAgain() {
        return new Delivery(id, eventId, subscriptionId, status, false, createdAt, nextAttemptAt, attemptCount, claim + 1, filterPending);
    }

    /** The same delivery once its subscription's filter has decided: {@code status} FILTERED when it said no, else unchanged. */
    Delivery filterDecided(DeliveryStatus status, boolean held) {
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, status == DeliveryStatus.FILTERED ? null : nextAttemptAt,
                attemptCount, claim, false);
    }

    boolean settled() {
        return status == DeliveryStatus.SUCCEEDED || status == DeliveryStatus.EXHAUSTED || status == DeliveryStatus.FILTERED;
    }
}
