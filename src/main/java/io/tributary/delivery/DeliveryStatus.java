package io.tributary.delivery;

/** Where one delivery (one event to one subscription) stands. */
public enum DeliveryStatus {
    /** Waiting for its first attempt, or held while its subscription is paused. */
    PENDING,
    /**
     * An attempt is in flight. Not written by this version (one write fewer per attempt: an attempt in
     * flight stays PENDING or RETRY_SCHEDULED, which recovery treats alike); still read, for records
     * written by earlier versions.
     */
    SENDING,
    SUCCEEDED,
    /** Failed; the next attempt is at {@code nextAttemptAt}. */
    RETRY_SCHEDULED,
    /** The schedule is spent: it is in the dead-letter store. */
    EXHAUSTED
}
