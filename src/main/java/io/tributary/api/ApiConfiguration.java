package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
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

    static {
        // Free-form JSON (a canonical event, a provider's payload) is a JSON object, or any JSON value.
        org.springdoc.core.utils.SpringDocUtils.getConfig()
                .replaceWithSchema(com.fasterxml.jackson.databind.node.ObjectNode.class,
                        new io.swagger.v3.oas.models.media.ObjectSchema().additionalProperties(true).description("A JSON object"))
                .replaceWithSchema(com.fasterxml.jackson.databind.JsonNode.class,
                        new io.swagger.v3.oas.models.media.Schema<Object>().description("Any JSON value"));
    }

    /**
     * Every admin operation's errors: Spring's {@code ProblemDetail} as {@code application/problem+json}
     * (RFC 9457), with {@code field} naming the request field at fault and {@code reason} the quarantine
     * reason of a payload that does not map.
     */
    @Bean
    org.springdoc.core.customizers.OpenApiCustomizer problemResponses() {
        return api -> {
            var problem = new io.swagger.v3.oas.models.media.ObjectSchema()
                    .description("RFC 9457 problem details (Spring's ProblemDetail)")
                    .addProperty("type", new io.swagger.v3.oas.models.media.StringSchema().format("uri"))
                    .addProperty("title", new io.swagger.v3.oas.models.media.StringSchema())
                    .addProperty("status", new io.swagger.v3.oas.models.media.IntegerSchema())
                    .addProperty("detail", new io.swagger.v3.oas.models.media.StringSchema())
                    .addProperty("instance", new io.swagger.v3.oas.models.media.StringSchema().format("uri"))
                    .addProperty("field", new io.swagger.v3.oas.models.media.StringSchema().description("the request field at fault"))
                    .addProperty("reason", new io.swagger.v3.oas.models.media.StringSchema()
                            .description("why a payload does not map: unmapped, mapping_error, invalid"));
            api.getComponents().addSchemas("ProblemDetail", problem);
            var errors = new io.swagger.v3.oas.models.responses.ApiResponse()
                    .description("A problem: the request was refused (4xx) or failed (5xx), with what to fix")
                    .content(new io.swagger.v3.oas.models.media.Content().addMediaType(io.tributary.system.Problems.MEDIA_TYPE,
                            new io.swagger.v3.oas.models.media.MediaType().schema(
                                    new io.swagger.v3.oas.models.media.Schema<Object>().$ref("#/components/schemas/ProblemDetail"))));
            api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> op.getResponses().addApiResponse("default", errors)));
        };
    }

    /** What /api/openapi.json says of the API as a whole: its name, version, and that it takes the admin token as a bearer. */
    @Bean
    OpenAPI adminApiDescription(ObjectProvider<BuildProperties> build) {
        BuildProperties info = build.getIfAvailable();
        return new OpenAPI()
                .info(new Info().title("Tributary admin API").version(info == null ? "dev" : info.getVersion())
                        .description("Events, quarantine, subscriptions, dead letters and mappings of a Tributary node. "
                                + "Every call needs the admin token as a bearer, or a console login."))
                .components(new Components().addSecuritySchemes("admin-token",
                        new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")))
                .addSecurityItem(new SecurityRequirement().addList("admin-token"));
    }
}
