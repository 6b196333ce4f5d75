package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The admin API's document as a generic client reads it (swagger-parser, what OpenAPI generators use):
 * it parses without a message, every answer has a typed body, and errors are problem details.
 */
@TributaryTest
class OpenApiClientTest {

    @LocalServerPort
    int port;

    @Test
    void aGenericClientReadsTheDocumentWithTypedBodiesAndProblemDetails() {
        String document = new WebhookClient(port).get("/api/openapi.json").body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(document, null, options);
        assertThat(parsed.getMessages()).as("the parser's messages").isEmpty();
        OpenAPI api = parsed.getOpenAPI();

        List<String> untyped = new ArrayList<>();
        for (Map.Entry<String, PathItem> path : api.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().readOperationsMap().entrySet()) {
                String name = op.getKey() + " " + path.getKey();
                if (op.getValue().getRequestBody() != null) {
                    op.getValue().getRequestBody().getContent().forEach((type, media) -> {
                        if (untyped(media.getSchema())) {
                            untyped.add(name + " request " + type);
                        }
                    });
                }
                op.getValue().getResponses().forEach((status, response) -> {
                    if (response.getContent() == null) {
                        return;
                    }
                    response.getContent().forEach((type, media) -> {
                        if (untyped(media.getSchema())) {
                            untyped.add(name + " " + status + " " + type);
                        }
                    });
                });
            }
        }
        assertThat(untyped).as("bodies a client cannot type").isEmpty();
        assertThat(api.getComponents().getSchemas()).containsKey("ProblemDetail");
        Schema<?> subscription = api.getComponents().getSchemas().get("SubscriptionRequest");
        assertThat(subscription.getRequired()).as("Bean Validation in the document").contains("url");
        assertThat(((Schema<?>) subscription.getProperties().get("url")).getMaxLength()).isEqualTo(2048);
        Operation create = api.getPaths().get("/api/v1/subscriptions").getPost();
        assertThat(create.getRequestBody().getContent().get("application/json").getSchema().get$ref()).endsWith("/SubscriptionRequest");
        assertThat(create.getResponses().get("default").getContent().get("application/problem+json").getSchema().get$ref())
                .endsWith("/ProblemDetail");
    }

    /** A body described as nothing a client can generate a type from: no schema, or a bare object or string of any shape. */
    private static boolean untyped(Schema<?> schema) {
        if (schema == null) {
            return true;
        }
        if (schema.get$ref() != null || schema.getItems() != null || schema.getProperties() != null) {
            return false;
        }
        String type = schema.getType() != null ? schema.getType() : schema.getTypes() == null ? null : schema.getTypes().iterator().next();
        return type == null || type.equals("object") && schema.getAdditionalProperties() == null
                || type.equals("string") && ("binary".equals(schema.getFormat()) || "byte".equals(schema.getFormat()));
    }
}
