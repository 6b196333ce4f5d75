package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The contract a subscriber codes against, served by the Tributary that applies it. */
@TributaryTest
class SchemaTest {

    @LocalServerPort
    int port;

    @Test
    void theSchemaAndItsPageAreServedAsBuiltIn() throws Exception {
        WebhookClient client = new WebhookClient(port);
        WebhookClient.Answer schema = client.get("/api/v1/schema");
        assertThat(schema.status()).isEqualTo(200);
        assertThat(schema.contentType()).startsWith("application/schema+json");
        JsonNode body = schema.json();
        assertThat(body.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(body.at("/properties/type/enum").toString()).contains("\"message.queued\"", "\"message.rejected\"");

        WebhookClient.Answer page = client.get("/api/v1/schema/contract");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/markdown");
        assertThat(page.body()).isEqualTo(Files.readString(Path.of("docs/canonical-event.md")));

        assertThat(client.get("/api/v1/schema", "Accept", "application/json").contentType()).startsWith("application/json");
    }
}
