package io.tributary.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * {@code tributary_delivery_attempts_total{subscription, outcome}} (succeeded, failed, exhausted) and
 * {@code tributary_delivery_duration_seconds{subscription}}, the subscriber's response time.
 */
final class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void attempt(String subscriptionId, Integer status, long durationMs) {
        boolean ok = status != null && status >= 200 && status < 300;
        registry.counter("tributary.delivery.attempts", "subscription", subscriptionId, "outcome", ok ? "succeeded" : "failed").increment();
        Timer.builder("tributary.delivery.duration").description("Subscriber response time per attempt")
                .tag("subscription", subscriptionId).publishPercentileHistogram().register(registry)
                .record(Duration.ofMillis(durationMs));
    }

    void exhausted(String subscriptionId) {
        registry.counter("tributary.delivery.attempts", "subscription", subscriptionId, "outcome", "exhausted").increment();
    }
}
