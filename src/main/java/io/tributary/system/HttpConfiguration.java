package io.tributary.system;

import jakarta.servlet.ServletException;
import java.io.IOException;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.component.platform.http.springboot.SpringBootPlatformHttpEngine;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
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
