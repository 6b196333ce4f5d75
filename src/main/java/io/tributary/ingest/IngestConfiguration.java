package io.tributary.ingest;

import io.tributary.system.PayloadParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.mapping.EventNormalizer;
import io.tributary.store.EventStore;
import io.tributary.system.Tracing;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

@Configuration(proxyBeanMethods = false)
class IngestConfiguration {

    /**
     * The dedup window, this member's memory only, bounded: past {@code dedup-max-entries} keys are
     * dropped. The store stays the authority on what is new, so a retry whose key was dropped (or went
     * to another member) is still answered {@code duplicate}; the window only answers it sooner.
     */
    @Bean
    DedupWindow dedupRepository(IngestProperties properties) {
        return new DedupWindow(properties.dedupWindow(), properties.dedupMaxEntries());
    }

    @Bean
    PayloadParser payloadParser(IngestProperties properties) {
        return new PayloadParser(properties.maxDepth(), (int) properties.maxStringLength().toBytes());
    }

    /** The rejection log keeps the last {@value RejectionLog#CAPACITY} refusals, as the README says (Hazelcast's default is 10,000). */
    @Bean
    RingbufferConfig rejectionsRing() {
        return new RingbufferConfig(io.tributary.store.DurableMaps.REJECTIONS).setCapacity(RejectionLog.CAPACITY).setBackupCount(1);
    }

    @Bean
    RejectionLog rejectionLog(HazelcastInstance hazelcast, MeterRegistry meters, ObjectMapper json) {
        return new RejectionLog(hazelcast.getRingbuffer(io.tributary.store.DurableMaps.REJECTIONS), meters, json, Clock.systemUTC());
    }

    @Bean
    SourceGate sourceGate(SourceProperties sources, IngestProperties properties, RejectionLog rejections,
                          EventNormalizer normalizer) {
        return new SourceGate(sources.sources(), properties.trustedProxies(), rejections, normalizer::knows,
                properties.authFailureRateLimit());
    }

    @Bean
    WebhookIngestor webhookIngestor(SourceProperties sources, SourceGate gate, EventNormalizer normalizer,
                                    PayloadParser parser, EventStore store, MeterRegistry meters, ObjectMapper json,
                                    Tracing tracing, DedupWindow dedupRepository, IngestProperties properties) {
        return new WebhookIngestor(sources, gate, normalizer, parser, store, new IngestMetrics(meters), json, tracing,
                Clock.systemUTC(), dedupRepository, properties.maxBatch());
    }

    @Bean
    QuarantineReplay quarantineReplay(EventStore store, EventNormalizer normalizer, PayloadParser parser,
                                      DedupWindow dedupRepository, SourceProperties sources) {
        return new QuarantineReplay(store, normalizer, parser, dedupRepository, sources);
    }

    @Bean
    FilterRegistrationBean<RequestBodyFilter> requestBodyFilter(IngestProperties properties, ObjectMapper json,
                                                                ObjectProvider<SourceGate> gate) {
        // The gate is looked up on the first webhook, not here: filters are made with the web server,
        // early in the refresh, before the mappings and Hazelcast the gate needs.
        SingletonSupplier<SourceGate> sourceGate = SingletonSupplier.of(gate::getObject);
        var registration = new FilterRegistrationBean<>(new RequestBodyFilter(properties.maxBodySize().toBytes(),
                properties.bodyReadTimeout(), json, request -> request.getServletPath().startsWith("/webhooks/")
                ? sourceGate.obtain().beforeBody(request, java.time.Instant.now()) : null));
        registration.addUrlPatterns("/webhooks/*", "/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        // ASYNC: a body that arrives after its head is read without a thread, then the request goes on in a second dispatch.
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }
}
