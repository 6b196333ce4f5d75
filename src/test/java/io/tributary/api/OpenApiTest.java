package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The admin API describes itself: an OpenAPI document at /api/openapi.json with every /api/v1 route
 * and method the application serves, and a browsable UI at /api/docs.
 */
@TributaryTest
class OpenApiTest {

    @LocalServerPort
    int port;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Test
    void everyAdminRouteAndMethodIsInTheDocument() {
        Answer answer = new WebhookClient(port).get("/api/openapi.json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode document = answer.json();
        assertThat(document.get("openapi").asText()).startsWith("3.");
        assertThat(document.at("/info/title").asText()).isEqualTo("Tributary admin API");
        assertThat(document.at("/components/securitySchemes/admin-token/scheme").asText()).isEqualTo("bearer");

        Set<String> served = new TreeSet<>();
        mappings.getHandlerMethods().forEach((info, method) -> info.getPatternValues().stream()
                .filter(path -> path.startsWith("/api/v1/"))
                .forEach(path -> info.getMethodsCondition().getMethods()
                        .forEach(verb -> served.add(verb.name().toLowerCase() + " " + path))));
        Set<String> described = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(verb -> described.add(verb + " " + path.getKey())));

        assertThat(served).as("the application's /api/v1 routes").hasSizeGreaterThan(15);
        assertThat(described).isEqualTo(served);
    }

    @Test
    void theDocumentCanBeBrowsed() {
        Answer ui = new WebhookClient(port).get("/api/docs");
        assertThat(ui.status()).as(ui.body()).isIn(200, 302);
    }
}
