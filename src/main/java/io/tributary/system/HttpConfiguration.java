package io.tributary.system;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
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

    /** Last of the filters: everything before it (readiness, body limits, HTTP metrics) sees the request first. */
    @Bean
    FilterRegistrationBean<DirectDispatchFilter> directDispatchFilter(DirectPlatformHttpEngine engine) {
        var registration = new FilterRegistrationBean<>(new DirectDispatchFilter(engine));
        registration.setOrder(Ordered.LOWEST_PRECEDENCE);
        return registration;
    }

    /**
     * A request answered without its body ({@link UnreadBody}) does not wait for it: Tomcat is told
     * not to read the rest, and closes the connection after the answer. Without this, a refused
     * request that declared a large body and sent none held its request thread until the read timeout.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> unreadBodiesAreNotSwallowed() {
        return factory -> factory.addContextValves(new ValveBase(true) {
            @Override
            public void invoke(Request request, Response response) throws IOException, ServletException {
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
