package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

    /**
     * @param dataDir          where a generated admin token is kept ({@code tributary.store.data-dir})
     * @param actuatorBasePath actuator's path, all of it guarded but health
     */
    @Bean
    FilterRegistrationBean<AdminAuthFilter> adminAuthFilter(AdminProperties properties, ObjectMapper json,
                                                            @Value("${tributary.store.data-dir:./data}") Path dataDir,
                                                            @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBasePath) {
        // A token the operator set is always asked for, first run or not.
        boolean loopbackWithoutToken = properties.loopbackWithoutToken() && !properties.hasToken();
        if (loopbackWithoutToken) {
            log.warn("First-run mode (tributary.admin.loopback-without-token): the admin API and actuator answer clients on "
                    + "this machine without a token. Never run it so behind a proxy or sidecar on this host.");
        }
        var filter = new AdminAuthFilter(AdminToken.resolve(properties, dataDir), loopbackWithoutToken, actuatorBasePath, json);
        var registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/*", actuatorBasePath, actuatorBasePath + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before anything reads the body
        return registration;
    }
}
