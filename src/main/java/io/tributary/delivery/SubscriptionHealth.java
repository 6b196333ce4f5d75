package io.tributary.delivery;

/**
 * How one subscription's deliveries are going.
 *
 * @param succeeded           deliveries settled as delivered within the window
 * @param exhausted           deliveries whose retries ran out within the window
 * @param successRate         succeeded over both, or null when none settled in the window
 * @param consecutiveFailures failed attempts in a row since the last success or resume
 * @param held                deliveries kept while the subscription is paused (or its filter could not decide)
 * @param waiting             deliveries not yet settled and not held: first attempt or retry to come
 * @param deadLetters         deliveries in the dead-letter store, replayable
 */
public record SubscriptionHealth(long succeeded, long exhausted, Double successRate, int consecutiveFailures, long held,
                                 long waiting, long deadLetters) {

    public static final SubscriptionHealth NONE = new SubscriptionHealth(0, 0, null, 0, 0, 0, 0);
}
