package io.tributary.system;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    /**
     * Camel's platform-http on Spring Boot, running each route on the servlet container's own request
     * thread. Its default engine hands every request from Tomcat's thread to a task pool and back;
     * each hand-off is a thread to wake, which on a moderately loaded machine cost more than the work.
     * This one also lets {@link DirectDispatchFilter} run a route without Spring MVC's second,
     * asynchronous dispatch.
     */
    @Bean("platform-http-engine")
    DirectPlatformHttpEngine platformHttpEngine(Environment environment) {
        return new DirectPlatformHttpEngine(Integer.parseInt(environment.getProperty("server.port", "8080")));
    }

    /**
     * No tracer unless {@code management.tracing.enabled}. That property only turns Spring Boot's
     * exporters off: its OpenTelemetry tracer went on making a span for every request and step and
     * handing each to a batch processor with nowhere to send it. This no-op tracer takes its place,
     * so off is off.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "false")
    Tracer noTracer() {
        return Tracer.NOOP;
    }

    /**
     * No HTTP server observation for a webhook request while tracing is off: its timing is the webhook
     * route's own Camel timer ({@code camel.route.policy}, per route) and its outcome is counted by
     * {@code tributary.ingest.events}, so Spring's {@code http.server.requests} would only time the same
     * request again, at about 5 % of the request thread's CPU per webhook (its key values, handlers and
     * long-task timer; docs/benchmarks.md). With tracing on, the observation is the request's span, and
     * stays.
     */
    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "management.tracing.enabled", havingValue = "false")
    io.micrometer.observation.ObservationPredicate noWebhookRequestObservations() {
        return (name, context) -> !(context instanceof org.springframework.http.server.observation.ServerRequestObservationContext request
                && request.getCarrier().getRequestURI().startsWith("/webhooks/"));
    }

    /** Spans and traceparent when management.tracing.enabled (Spring Boot then makes a tracer); off otherwise. */
    @Bean
    Tracing tracing(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer t = tracer.getIfAvailable();
        Propagator p = propagator.getIfAvailable();
        return t == null || t == Tracer.NOOP || p == null ? Tracing.OFF : new Tracing(t, p);
    }

    /** Last of the filters: everything before it (readiness, body limits, HTTP metrics) sees the request first. */
    @Bean
    FilterRegistrationBean<DirectDispatchFilter> directDispatchFilter(DirectPlatformHttpEngine engine) {
        var registration = new FilterRegistrationBean<>(new DirectDispatchFilter(engine));
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        // ASYNC: a webhook whose body was read without a thread comes back in a second dispatch.
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }

    /** A request Tomcat mapped to no application (one caught by a stop) gets 503 problem+json, never Tomcat's HTML 400 or 404. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> unmappedRequestsAnswer503(com.fasterxml.jackson.databind.ObjectMapper json) {
        return factory -> factory.addEngineValves(new UnmappedRequestValve(json));
    }

    /**
     * Tells the application what Tomcat knows of a request's body before anyone reads it: how much of
     * it has arrived ({@link ArrivedBody}), and how not to read the rest ({@link UnreadBody}). A
     * request answered without its body does not wait for it: Tomcat is told not to read the rest, and
     * closes the connection after the answer. Without this, a refused request that declared a large
     * body and sent none held its request thread until the read timeout.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> requestBodiesAsTomcatHasThem() {
        return factory -> factory.addContextValves(new ValveBase(true) {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
                long length = request.getContentLengthLong();
                if (length > 0) {
                    // Bytes of the body in Tomcat's buffer already (read with the head): asked without a socket read.
                    request.getCoyoteRequest().action(ActionCode.AVAILABLE, Boolean.FALSE);
                    if (request.getCoyoteRequest().getAvailable() < length) {
                        request.setAttribute(ArrivedBody.STILL_COMING, Boolean.TRUE);
                    }
                } else if (length < 0 && request.getHeader("Transfer-Encoding") != null) {
                    request.setAttribute(ArrivedBody.STILL_COMING, Boolean.TRUE); // chunked: read as it comes
                }
                try {
                    getNext().invoke(request, response);
                } finally {
                    if (request.getAttribute(UnreadBody.ATTRIBUTE) != null) {
                        request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                    }
                }
            }
        });
    }
}
