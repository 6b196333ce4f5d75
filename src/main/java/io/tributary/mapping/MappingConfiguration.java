package io.tributary.mapping;

import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.system.JsonataBudget;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class MappingConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MappingConfiguration.class);

    /**
     * Where mappings come from: {@code tributary.mappings.*}.
     *
     * @param location an extra mapping root ({@code file:/etc/tributary/mappings}) whose
     *                 {@code <provider>/mapping.jsonata} files override the built-in ones and add providers
     */
    @ConfigurationProperties("tributary.mappings")
    record MappingProperties(String location) {
    }

    @Bean
    io.tributary.canonical.SampleCases sampleCases(com.fasterxml.jackson.databind.ObjectMapper json) {
        return io.tributary.canonical.SampleCases.load(json);
    }

    @Bean
    EventNormalizer eventNormalizer(MappingProperties properties, JsonataBudget budget,
                                    org.springframework.beans.factory.ObjectProvider<MappingOverrides> overrides) {
        List<String> locations = new ArrayList<>(List.of("classpath*:mappings"));
        if (properties.location() != null && !properties.location().isBlank()) {
            locations.add(properties.location());
        }
        return new EventNormalizer(() -> {
            MappingRegistry registry = MappingRegistry.load(budget, locations.toArray(String[]::new));
            MappingOverrides promoted = overrides.getIfAvailable();
            if (promoted != null) {
                for (var live : promoted.live().entrySet()) {
                    registry = registry.with(live.getKey(), live.getValue());
                }
            }
            log.info("mappings loaded for providers {}", registry.providers());
            return registry;
        }, new CanonicalEventValidator());
    }
}
