package io.tributary.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code tributary_ingest_events_total{provider, outcome}}: accepted, duplicate, quarantined, rejected.
 * Counters are looked up once per provider and outcome, not built per request.
 */
final class IngestMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void count(String provider, String outcome) {
        String p = provider == null ? "unknown" : provider;
        counters.computeIfAbsent(p + '\0' + outcome, k -> Counter.builder("tributary.ingest.events")
                .description("Webhook requests by provider and outcome")
                .tag("provider", p)
                .tag("outcome", outcome)
                .register(registry)).increment();
    }
}
