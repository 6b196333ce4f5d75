package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.store.EventStore;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.subscription.Subscriptions;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Predicate;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class DeliveryConfiguration {

    static final String DELIVERIES = io.tributary.store.DurableMaps.DELIVERIES;
    static final String DEAD_LETTERS = io.tributary.store.DurableMaps.DEAD_LETTERS;
    static final String FAILURES = io.tributary.store.DurableMaps.FAILURES;

    @Bean
    DeliveryStore deliveryStore(HazelcastInstance hazelcast, io.tributary.store.Journal journal, ObjectMapper json) {
        return new DeliveryStore(hazelcast.getMap(DELIVERIES), hazelcast.getMap(DEAD_LETTERS), hazelcast.getMap(FAILURES), journal, json);
    }

    @Bean
    DeliveryMetrics deliveryMetrics(MeterRegistry meters) {
        return new DeliveryMetrics(meters);
    }

    /**
     * The one HTTP client of every delivery: non-blocking, redirects never followed (a redirect could
     * lead a signed request somewhere the subscription did not name). Its small executor only runs
     * completions; no thread waits on a subscriber.
     */
    @Bean(destroyMethod = "")
    HttpClient deliveryHttpClient(DeliveryProperties properties) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService completions = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "delivery-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(completions)
                .build();
    }

    @Bean
    DeliveryWorker deliveryWorker(DeliveryStore store, EventStore events, SubscriptionRegistry registry,
                                  Subscriptions subscriptions, HttpClient deliveryHttpClient, DeliveryMetrics metrics,
                                  DeliveryProperties properties, ObjectMapper json, ObjectProvider<BuildProperties> build,
                                  io.tributary.system.NetworkPolicy network) {
        BuildProperties info = build.getIfAvailable();
        String userAgent = "Tributary/" + (info == null ? "dev" : info.getVersion());
        return new DeliveryWorker(store, events, registry, subscriptions,
                new OutboundRequests(json, userAgent, properties.requestTimeout()), deliveryHttpClient,
                new SubscriberLanes(properties.maxInFlight()), metrics, properties, network, Clock.systemUTC());
    }

    @Bean
    DeadLetters deadLetters(DeliveryStore store, EventStore events, SubscriptionRegistry registry, DeliveryMetrics metrics,
                            ObjectMapper json) {
        return new DeadLetters(store, events, registry, metrics, json, Clock.systemUTC());
    }

    /** The delivery route's {@code retryWhile}. */
    @Bean
    Predicate retryLater() {
        return DeadLetters.RETRY_LATER;
    }

    @Bean
    DeliveryDispatcher deliveryDispatcher(SubscriptionRegistry registry, DeliveryStore store, ProducerTemplate template,
                                          HazelcastInstance hazelcast) {
        return new DeliveryDispatcher(registry, store, template, hazelcast.getCluster().getLocalMember().getUuid().toString(),
                Clock.systemUTC());
    }

    @Bean
    DeliveryRecovery deliveryRecovery(DeliveryDispatcher dispatcher, HazelcastInstance hazelcast) {
        return new DeliveryRecovery(dispatcher, hazelcast);
    }
}
