package io.tributary.system;

import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class HttpConfiguration {

    /**
     * Camel's platform-http on Spring Boot, running each route on the servlet container's own request
     * thread. Its default engine hands every request from Tomcat's thread to a task pool and back;
     * each hand-off is a thread to wake, which on a moderately loaded machine cost more than the work.
     */
    @Bean("platform-http-engine")
    PlatformHttpEngine platformHttpEngine(Environment environment) {
        return new SpringBootPlatformHttpEngine(Integer.parseInt(environment.getProperty("server.port", "8080")), Runnable::run);
    }
}
