package io.tributary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.boot.autoconfigure.flyway.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The record: events, quarantine, deliveries with their attempts, dead letters and subscriptions in
 * the database (tables created by Flyway, the same migrations on H2 and PostgreSQL). The hot writes go
 * through the {@link Journal} (group commit); reads go to the database when something asks.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    /**
     * The pool, with {@code tributary.store.read-timeout} on every connection it hands out once the
     * migrations are done ({@link NetworkTimedDataSource}).
     */
    @Bean
    static BeanPostProcessor networkTimedDataSource(Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (!(bean instanceof DataSource pool) || bean instanceof NetworkTimedDataSource) {
                    return bean;
                }
                // Bound here, before the configuration-properties beans exist; the record keeps the default.
                Duration timeout = Binder.get(environment).bindOrCreate("tributary.store", StoreProperties.class).readTimeout();
                return timeout.isZero() ? pool : new NetworkTimedDataSource(pool, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            }
        };
    }

    /** Arms the read timeout once every singleton, Flyway's migrations among them, is done. */
    @Bean
    static SmartInitializingSingleton readTimeoutAfterMigrations(ObjectProvider<DataSource> db) {
        return () -> db.orderedStream().forEach(d -> {
            if (d instanceof NetworkTimedDataSource timed) {
                timed.arm();
            }
        });
    }

    @Bean
    SqlDialect sqlDialect(DataSource db) {
        return SqlDialect.of(db);
    }

    @Bean(destroyMethod = "close")
    Journal journal(DataSource db, ObjectProvider<FlywayMigrationInitializer> migrated, MeterRegistry meters, StoreProperties store) {
        migrated.getIfAvailable();
        return new Journal(db, meters, store.writeTimeout());
    }

    @Bean
    EventStore eventStore(JdbcTemplate jdbc, Journal journal, SqlDialect dialect, ObjectMapper json) {
        return new EventStore(jdbc, journal, dialect, json);
    }

    @Bean
    RetentionPurge retentionPurge(JdbcTemplate jdbc, SqlDialect dialect, StoreProperties store) {
        return new RetentionPurge(jdbc, dialect, store.retention(), Clock.systemUTC());
    }
}
