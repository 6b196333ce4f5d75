package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ApiConfiguration.class);

    @Bean
    FilterRegistrationBean<AdminAuthFilter> adminAuthFilter(AdminProperties properties, ObjectMapper json) {
        if (!properties.hasToken()) {
            log.warn("tributary.admin.token is not set: the admin API (/api/) answers only clients on this machine. "
                    + "Set TRIBUTARY_ADMIN_TOKEN to use it from elsewhere.");
        }
        var registration = new FilterRegistrationBean<>(new AdminAuthFilter(properties, json));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE); // before anything reads the body
        return registration;
    }
}
