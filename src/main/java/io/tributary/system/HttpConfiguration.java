package io.tributary.system;

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
}
