package io.tributary.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/** Each subscription's health: its recent deliveries from the store, its run of failures from the cluster. */
public final class DeliveryHealth {

    private final DeliveryStore store;
    private final DeliveryFailures failures;
    private final Clock clock;

    DeliveryHealth(DeliveryStore store, DeliveryFailures failures, Clock clock) {
        this.store = store;
        this.failures = failures;
        this.clock = clock;
    }

    /** Every subscription that has deliveries, settled within the last {@code window} or not yet settled. */
    public Map<String, SubscriptionHealth> recent(Duration window) {
        return store.health(clock.instant().minus(window));
    }

    /** One subscription's health, from {@link #recent}, with its current run of failures. */
    public SubscriptionHealth of(Map<String, SubscriptionHealth> recent, String subscriptionId) {
        SubscriptionHealth h = recent.getOrDefault(subscriptionId, SubscriptionHealth.NONE);
        return new SubscriptionHealth(h.succeeded(), h.exhausted(), h.successRate(), failures.current(subscriptionId), h.held(),
                h.waiting(), h.deadLetters());
    }
}
