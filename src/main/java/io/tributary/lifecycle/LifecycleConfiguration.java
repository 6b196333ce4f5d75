package io.tributary.lifecycle;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.ingest.SourceProperties;
import io.tributary.mapping.EventNormalizer;
import io.tributary.store.EventStore;
import io.tributary.mapping.MappingOverrides;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LifecycleConfiguration.class);

    @Bean
    MappingVersions mappingVersions(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        return new MappingVersions(jdbc, new TransactionTemplate(transactions));
    }

    /** The promoted mappings, for every load of the mappings; none while the database cannot say (the next check applies them). */
    @Bean
    MappingOverrides promotedMappings(MappingVersions versions) {
        return () -> {
            try {
                Map<String, String> out = new TreeMap<>();
                versions.inState("live").forEach((provider, v) -> out.put(provider, v.mapping()));
                return out;
            } catch (DataAccessException e) {
                log.warn("promoted mappings not read now ({}); the files' are used until the next check", e.getClass().getSimpleName());
                return Map.of();
            }
        };
    }

    @Bean
    Renormalizations renormalizations(EventStore store, EventNormalizer normalizer, io.tributary.delivery.DeliveryDispatcher dispatcher,
                                      SourceProperties sources, ObjectMapper json) {
        return new Renormalizations(store, normalizer, dispatcher, sources, json, Clock.systemUTC());
    }

    @Bean
    MappingLifecycle mappingLifecycle(MappingVersions versions, EventNormalizer normalizer, EventStore store, SourceProperties sources,
                                      ObjectMapper json) {
        return new MappingLifecycle(versions, normalizer, store, sources, json, Clock.systemUTC());
    }
}
