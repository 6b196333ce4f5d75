package io.tributary.delivery;

/** Where one delivery (one event to one subscription) stands. */
public enum DeliveryStatus {
    /** Waiting for its first attempt (or its first after a resume or a replay), or held while its subscription is paused. */
    PENDING,
    SUCCEEDED,
    /** Failed; the next attempt is at {@code nextAttemptAt}. */
    RETRY_SCHEDULED,
    /** The schedule is spent (or the delivery could not be made): it is in the dead-letter store. */
    EXHAUSTED,
    /**
     * Not sent: the subscription's filter, run by the delivery because it did not answer while the
     * webhook waited, refused the event. Settled.
     */
    FILTERED
}
