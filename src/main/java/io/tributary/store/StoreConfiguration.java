package io.tributary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.MapLoader;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The durable maps, each with one synchronous backup on another member, so losing a node loses
 * nothing in memory either, and each backed by the database so a restart loses nothing at all.
 * Events and deliveries, written on every request, go to the database through the {@link Journal}
 * (group commit, off the partition threads) before they are put into memory; the others, written
 * rarely, are written through by their map (a {@code set} returns once the row is committed).
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    @Bean
    MapConfig eventsMap(DataSource db, StoreProperties store, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        MapConfig config = durable(DurableMaps.EVENTS, loadOnly(text(db, DurableMaps.EVENTS, false, store.retention())), store.retention());
        config.setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(store.eventsInMemory()));
        return config;
    }

    @Bean
    MapConfig quarantineMap(DataSource db, StoreProperties store, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        return durable(DurableMaps.QUARANTINE, text(db, DurableMaps.QUARANTINE, true, store.retention()), store.retention());
    }

    @Bean
    MapConfig subscriptionsMap(DataSource db, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        return durable(DurableMaps.SUBSCRIPTIONS, text(db, DurableMaps.SUBSCRIPTIONS, true, Duration.ofDays(36500)), null);
    }

    @Bean
    MapConfig deliveriesMap(DataSource db, StoreProperties store, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        // Not co-located by event with a partitioning strategy: Hazelcast 5.5's initial load refuses
        // keys so placed ("MapLoader loaded an item belongs to a different partition").
        return durable(DurableMaps.DELIVERIES, loadOnly(json(db, DurableMaps.DELIVERIES, store.retention())), store.retention());
    }

    @Bean
    MapConfig deadLettersMap(DataSource db, StoreProperties store, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        return durable(DurableMaps.DEAD_LETTERS, json(db, DurableMaps.DEAD_LETTERS, store.retention()), store.retention());
    }

    @Bean
    MapConfig failuresMap(DataSource db, ObjectProvider<FlywayMigrationInitializer> migrated) {
        migrated.getIfAvailable();
        return durable(DurableMaps.FAILURES, new JdbcMapStore<Integer>(db, DurableMaps.FAILURES, String::valueOf,
                Integer::valueOf, true, Duration.ofDays(36500), Clock.systemUTC()), null);
    }

    @Bean(destroyMethod = "close")
    Journal journal(DataSource db, ObjectProvider<FlywayMigrationInitializer> migrated, MeterRegistry meters) {
        migrated.getIfAvailable();
        return new Journal(db, Clock.systemUTC(), meters);
    }

    @Bean
    EventStore eventStore(HazelcastInstance hazelcast, Journal journal, ObjectMapper json) {
        return new EventStore(hazelcast.getMap(DurableMaps.EVENTS), hazelcast.getMap(DurableMaps.QUARANTINE), journal, json);
    }

    @Bean
    RetentionPurge retentionPurge(DataSource db, StoreProperties store) {
        return new RetentionPurge(db, store.retention(), Clock.systemUTC());
    }

    private static MapConfig durable(String name, Object mapStore, Duration retention) {
        MapConfig config = new MapConfig(name).setBackupCount(1);
        config.setMapStoreConfig(new MapStoreConfig().setEnabled(true).setImplementation(mapStore)
                .setWriteDelaySeconds(0) // write-through
                .setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER));
        if (retention != null) {
            config.setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, retention.toSeconds()));
        }
        return config;
    }

    /**
     * Only the loading half of a map store, for the maps the {@link Journal} writes (events and
     * deliveries): their {@code set} then only puts into memory, after the journal has committed.
     */
    private static <V> MapLoader<String, V> loadOnly(JdbcMapStore<V> store) {
        return new MapLoader<>() {
            @Override
            public V load(String key) {
                return store.load(key);
            }

            @Override
            public Map<String, V> loadAll(Collection<String> keys) {
                return store.loadAll(keys);
            }

            @Override
            public Iterable<String> loadAllKeys() {
                return store.loadAllKeys();
            }
        };
    }

    private static JdbcMapStore<String> text(DataSource db, String map, boolean preload, Duration retention) {
        return new JdbcMapStore<>(db, map, Function.identity(), Function.identity(), preload, retention, Clock.systemUTC());
    }

    private static JdbcMapStore<HazelcastJsonValue> json(DataSource db, String map, Duration retention) {
        return new JdbcMapStore<>(db, map, HazelcastJsonValue::getValue, HazelcastJsonValue::new, true, retention, Clock.systemUTC());
    }
}
