package io.tributary.delivery;

/** Where one delivery (one event to one subscription) stands. */
public enum DeliveryStatus {
    /** Waiting for its first attempt, or held while its subscription is paused. */
    PENDING,
    /** An attempt is in flight. */
    SENDING,
    SUCCEEDED,
    /** Failed; the next attempt is at {@code nextAttemptAt}. */
    RETRY_SCHEDULED,
    /** The schedule is spent: it is in the dead-letter store. */
    EXHAUSTED
}
