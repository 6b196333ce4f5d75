package io.tributary.subscription;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.system.JsonataBudget;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

@Configuration(proxyBeanMethods = false)
class SubscriptionConfiguration {

    static final String MAP = io.tributary.store.DurableMaps.SUBSCRIPTIONS;

    /**
     * Subscriptions declared in configuration: {@code tributary.subscriptions.<id>.*} with the fields of
     * the API ({@code url}, {@code types}, {@code providers}, {@code tenants}, {@code filter},
     * {@code secret}, {@code format}, {@code headers}, {@code paused}). Loaded at every start; the
     * configuration wins over API changes to the same id, except a pause Tributary made itself.
     */
    @ConfigurationProperties("tributary")
    record DeclaredSubscriptions(Map<String, SubscriptionRequest> subscriptions) {
        DeclaredSubscriptions {
            subscriptions = subscriptions == null ? Map.of() : Map.copyOf(subscriptions);
        }
    }

    /**
     * Subscription settings: {@code tributary.subscription.*}.
     *
     * @param secretGracePeriod  how long a rotated-out secret keeps signing beside the new one
     * @param filterTimePerEvent CPU time the filters of all subscriptions may spend on one event together while its
     *                           webhook waits; a filter that has not answered then is run by its delivery instead,
     *                           under the whole {@code tributary.jsonata} budget, so a webhook never waits longer
     */
    @ConfigurationProperties("tributary.subscription")
    record SubscriptionSettings(@DefaultValue("24h") Duration secretGracePeriod, @DefaultValue("10ms") Duration filterTimePerEvent) {
    }

    /**
     * Subscriptions in a Hazelcast map, one synchronous backup, written through to the database and
     * loaded whole at start (they are few; events, deliveries and the rest are read only when asked).
     */
    @Bean
    MapConfig subscriptionsMap(JdbcTemplate jdbc, ObjectMapper json, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        return new MapConfig(MAP).setBackupCount(1).setMapStoreConfig(new MapStoreConfig().setEnabled(true)
                .setImplementation(new SubscriptionMapStore(jdbc, json))
                .setWriteDelaySeconds(0) // write-through
                .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
    }

    @Bean
    SubscriptionRegistry subscriptionRegistry(HazelcastInstance hazelcast, ObjectMapper json, JsonataBudget budget,
                                              SubscriptionSettings settings, MeterRegistry meters) {
        return new SubscriptionRegistry(hazelcast.getMap(MAP), json, budget, settings.filterTimePerEvent(), meters);
    }

    @Bean
    GoldenEvents goldenEvents(io.tributary.canonical.SampleCases cases) {
        return GoldenEvents.of(cases);
    }

    @Bean
    Subscriptions subscriptions(SubscriptionRegistry registry, SubscriptionSettings settings,
                                io.tributary.system.NetworkPolicy network, GoldenEvents golden) {
        return new Subscriptions(registry, settings.secretGracePeriod(), network, golden, Clock.systemUTC());
    }

    @Bean
    ApplicationRunner declaredSubscriptionsLoader(DeclaredSubscriptions declared, SubscriptionRegistry registry,
                                                  Subscriptions subscriptions) {
        return args -> declared.subscriptions().forEach((id, request) -> {
            var existing = registry.find(id);
            if (existing.isEmpty()) {
                subscriptions.create(id, request);
                return;
            }
            subscriptions.update(id, request);
            String reason = existing.get().pausedReason();
            if (existing.get().paused() && ("failing".equals(reason) || "gone".equals(reason))) {
                subscriptions.pause(id, reason);
            }
        });
    }
}
