package io.tributary.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

/** Registers the {@link ReadinessGate} in front of every webhook, before {@link RequestBodyFilter}. */
@Configuration(proxyBeanMethods = false)
class ReadinessGateConfiguration {

    /** Runs before {@code RequestBodyFilter} ({@code HIGHEST_PRECEDENCE + 10}): a refused request's body is not read. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

    /**
     * The Camel context is looked up on the first request past the readiness state, not here: filters
     * are created with the web server, early in the refresh, and asking for Camel then would create it
     * and everything it needs out of their usual order.
     */
    @Bean
    FilterRegistrationBean<ReadinessGate> readinessGate(ApplicationAvailability availability, ObjectProvider<CamelContext> camel,
                                                        ObjectMapper json) {
        SingletonSupplier<CamelContext> camelContext = SingletonSupplier.of(camel::getObject);
        var registration = new FilterRegistrationBean<>(new ReadinessGate(availability, () -> camelContext.obtain().isStarted(), json));
        registration.addUrlPatterns("/webhooks/*");
        registration.setOrder(ORDER);
        return registration;
    }
}
