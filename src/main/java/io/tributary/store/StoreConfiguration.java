package io.tributary.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

    static final String EVENTS = "tributary-events";
    static final String QUARANTINE = "tributary-quarantine";

    @Bean
    EventStore eventStore(HazelcastInstance hazelcast, ObjectMapper json) {
        return new EventStore(hazelcast.getMap(EVENTS), hazelcast.getMap(QUARANTINE), json);
    }
}
