package io.tributary.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.CamelContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.util.function.SingletonSupplier;

/** Registers the {@link ReadinessGate} in front of every webhook, before {@link RequestBodyFilter}. */
@Configuration(proxyBeanMethods = false)
class ReadinessGateConfiguration {

    /** Runs before {@code RequestBodyFilter} ({@code HIGHEST_PRECEDENCE + 10}): a refused request's body is not read. */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 5;

    private final IngestProperties properties;

    ReadinessGateConfiguration(IngestProperties properties) {
        this.properties = properties;
    }

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

    /**
     * The stop's first step. Spring Boot sets the readiness state to {@code REFUSING_TRAFFIC}, so the
     * gate answers 503, then publishes this event, then stops the web server gracefully: that closes
     * the port at once, and the kernel resets every connection it completed that Tomcat had not taken
     * yet, and Tomcat closes those it took but had not read a request from. A provider that connected
     * just before the stop would see its connection reset rather than a 503 with {@code Retry-After}.
     * Keeping the port open a moment longer, refusing every webhook with a proper 503, lets Tomcat
     * take and answer them; connections made after that are refused by the closed port.
     */
    @EventListener(ContextClosedEvent.class)
    void graceBeforeThePortCloses(ContextClosedEvent closed) {
        if (closed.getApplicationContext() instanceof WebServerApplicationContext web && web.getWebServer() != null) {
            try {
                Thread.sleep(properties.stopGrace().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // a stop that is hurried goes on at once
            }
        }
    }
}
