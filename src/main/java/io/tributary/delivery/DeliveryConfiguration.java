package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.store.DurableMaps;
import io.tributary.store.EventStore;
import io.tributary.store.Journal;
import io.tributary.store.SqlDialect;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.NetworkPolicy;
import io.tributary.system.Tracing;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.camel.Predicate;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    @Bean
    DeliveryStore deliveryStore(JdbcTemplate jdbc, Journal journal, EventStore events, ObjectMapper json, SqlDialect dialect) {
        return new DeliveryStore(jdbc, journal, events, json, dialect);
    }

    /** Each subscription's run of failures: memory only, one backup. */
    @Bean
    MapConfig failuresMap() {
        return new MapConfig(DurableMaps.FAILURES).setBackupCount(1);
    }

    @Bean
    DeliveryFailures deliveryFailures(HazelcastInstance hazelcast) {
        return new DeliveryFailures(hazelcast.getMap(DurableMaps.FAILURES));
    }

    @Bean
    DeliveryHealth deliveryHealth(DeliveryStore store, DeliveryFailures failures) {
        return new DeliveryHealth(store, failures, Clock.systemUTC());
    }

    @Bean
    TestEvents testEvents(EventStore store, DeliveryDispatcher dispatcher, io.tributary.subscription.Subscriptions subscriptions,
                          ObjectMapper json) {
        return new TestEvents(store, dispatcher, subscriptions, json, Clock.systemUTC());
    }

    @Bean
    InFlight inFlight(MeterRegistry meters) {
        InFlight inFlight = new InFlight();
        Gauge.builder("tributary.delivery.in.flight", inFlight, InFlight::size)
                .description("Deliveries this member works on now: queued, in an attempt, or waiting in memory for a short retry")
                .register(meters);
        return inFlight;
    }

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry meters) {
        return new DeliveryMetrics(meters);
    }

    /**
     * The one HTTP client of every delivery: names resolved once, through the network policy, on the
     * system's resolver. Not closed with the context, as the JDK client before it was not: an attempt
     * still in flight while Camel stops ends with the process, and is taken up again from its last
     * recorded state.
     */
    @Bean(destroyMethod = "")
    SubscriberClient subscriberClient(DeliveryProperties properties, NetworkPolicy network) {
        return new SubscriberClient(network, SystemDefaultDnsResolver.INSTANCE, properties.connectTimeout(),
                properties.requestTimeout(), (int) properties.responseExcerpt().toBytes());
    }

    private static String member(HazelcastInstance hazelcast) {
        return hazelcast.getCluster().getLocalMember().getUuid().toString();
    }

    @Bean
    DeliveryWorker deliveryWorker(DeliveryStore store, EventStore events, InFlight inFlight, SubscriptionRegistry registry,
                                  SubscriberClient subscriberClient, DeliveryMetrics metrics,
                                  DeliveryFailures failures, DeliveryProperties properties, ObjectMapper json,
                                  ObjectProvider<BuildProperties> build, HazelcastInstance hazelcast, Tracing tracing,
                                  OperationalEvents operational) {
        BuildProperties info = build.getIfAvailable();
        String userAgent = "Tributary/" + (info == null ? "dev" : info.getVersion());
        return new DeliveryWorker(store, events, inFlight, registry,
                new OutboundRequests(json, userAgent), subscriberClient,
                new SubscriberLanes(properties.maxInFlight()), metrics, failures, properties, member(hazelcast),
                filterThreads(), tracing, Clock.systemUTC(), operational);
    }

    /**
     * Two daemon threads for the filters deliveries run themselves ({@link DeliveryWorker}); not a bean,
     * so Spring Boot's own task executor stays as it is.
     */
    private static Executor filterThreads() {
        AtomicInteger number = new AtomicInteger();
        return Executors.newFixedThreadPool(2, run -> {
            Thread thread = new Thread(run, "tributary-filter-" + number.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Bean
    DeadLetters deadLetters(DeliveryStore store, InFlight inFlight, SubscriptionRegistry registry, DeliveryMetrics metrics,
                            ObjectMapper json, OperationalEvents operational) {
        return new DeadLetters(store, inFlight, registry, metrics, json, Clock.systemUTC(), operational);
    }

    @Bean
    OperationalEvents operationalEvents(EventStore store, DeliveryDispatcher dispatcher, Subscriptions subscriptions,
                                        ObjectMapper json) {
        return new OperationalEvents(store, dispatcher, subscriptions, json, Clock.systemUTC());
    }

    /** The delivery route's {@code retryWhile}. */
    @Bean
    Predicate retryLater() {
        return DeadLetters.RETRY_LATER;
    }

    @Bean
    DeliveryDispatcher deliveryDispatcher(SubscriptionRegistry registry, DeliveryStore store, InFlight inFlight,
                                          ProducerTemplate template, DeliveryFailures failures, HazelcastInstance hazelcast,
                                          DeliveryProperties properties, Tracing tracing) {
        return new DeliveryDispatcher(registry, store, inFlight, template, failures, member(hazelcast),
                () -> hazelcast.getCluster().getMembers().stream().map(m -> m.getUuid().toString()).collect(Collectors.toSet()),
                properties.lease(), tracing, Clock.systemUTC());
    }

    @Bean
    DeliveryRecovery deliveryRecovery(DeliveryDispatcher dispatcher, HazelcastInstance hazelcast) {
        return new DeliveryRecovery(dispatcher, hazelcast);
    }
}
