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
     * @param actuatorBasePath actuator's path, all of it guarded but health
     */
    @Bean
    AdminCredential adminCredential(AdminProperties properties, @Value("${tributary.store.data-dir:./data}") Path dataDir) {
        return new AdminCredential(AdminToken.resolve(properties, dataDir));
    }

    @Bean
    FilterRegistrationBean<AdminAuthFilter> adminAuthFilter(AdminProperties properties, AdminCredential credential, ObjectMapper json,
                                                            @Value("${management.endpoints.web.base-path:/actuator}") String actuatorBasePath) {
        // A token the operator set is always asked for, first run or not.
        boolean loopbackWithoutToken = properties.loopbackWithoutToken() && !properties.hasToken();
        if (loopbackWithoutToken) {
            log.warn("First-run mode (tributary.admin.loopback-without-token): the admin API and actuator answer clients on "
                    + "this machine without a token. Never run it so behind a proxy or sidecar on this host.");
        }
        var filter = new AdminAuthFilter(credential, loopbackWithoutToken, actuatorBasePath, json);
        var registration = new FilterRegistrationBean<>(filter);
        registration.addUrlPatterns("/api/*", actuatorBasePath, actuatorBasePath + "/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before anything reads the body
        return registration;
    }

    /** The console's pages behind its login ({@link ConsoleFilter}); the login itself is {@link ConsoleController}'s. */
    @Bean
    FilterRegistrationBean<ConsoleFilter> consoleFilter() {
        var registration = new FilterRegistrationBean<>(new ConsoleFilter());
        registration.addUrlPatterns("/console", "/console/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
