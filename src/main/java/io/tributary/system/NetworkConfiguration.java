package io.tributary.system;

import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class NetworkConfiguration {

    /** From {@code tributary.delivery.allowed-networks}: internal CIDRs deliveries may reach anyway. */
    @Bean
    NetworkPolicy networkPolicy(Environment environment) {
        List<String> allowed = Binder.get(environment)
                .bind("tributary.delivery.allowed-networks", Bindable.listOf(String.class)).orElse(List.of());
        return new NetworkPolicy(allowed.stream().filter(s -> !s.isBlank()).toList());
    }
}
