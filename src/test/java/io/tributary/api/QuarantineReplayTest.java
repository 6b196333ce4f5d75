package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An event the mapping does not name is kept, visible and replayable: once a mapping for it exists
 * (an override file and a reload), the replay turns it into a canonical event.
 */
@TributaryTest
class QuarantineReplayTest {

    @TempDir
    static Path overrides;

    @DynamicPropertySource
    static void mappingOverrides(DynamicPropertyRegistry registry) {
        registry.add("tributary.mappings.location", () -> overrides.toUri().toString());
    }

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() throws IOException {
        client = new WebhookClient(port);
        Files.deleteIfExists(overrides.resolve("acme/mapping.jsonata"));
        client.post("/api/v1/mappings/reload", "");
    }

    @Test
    void unmappedEventIsQuarantinedAndBecomesAnEventOnReplayOnceMapped() throws IOException {
        String id = UUID.randomUUID().toString();
        String body = """
                {"kind": "cart.abandoned", "event_uuid": "%s", "at": "2026-02-01T08:00:00Z", "customer": {"number": 7, "mail": "q@example.org"}}
                """.formatted(id);

        Answer answer = client.post("/webhooks/acme/acme-shop", body);
        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().get("status").asText()).isEqualTo("quarantined");
        assertThat(answer.json().get("reason").asText()).isEqualTo("unmapped");
        assertThat(answer.json().get("id").asText()).isEqualTo(id);
        String key = answer.json().get("key").asText();

        Answer listed = client.get("/api/v1/quarantine");
        assertThat(listed.json().get("items")).anySatisfy(item -> {
            assertThat(item.get("id").asText()).isEqualTo(key);
            assertThat(item.get("payload").get("kind").asText()).isEqualTo("cart.abandoned");
            assertThat(item.get("headers").get("content-type").asText()).isEqualTo("application/json");
        });

        Answer stillUnmapped = client.post("/api/v1/quarantine/" + key + "/replay", "");
        assertThat(stillUnmapped.status()).isEqualTo(422);
        assertThat(stillUnmapped.json().get("reason").asText()).isEqualTo("unmapped");

        Files.createDirectories(overrides.resolve("acme"));
        Files.writeString(overrides.resolve("acme/mapping.jsonata"), """
                { "type": kind = "cart.abandoned" ? "contact.updated", "providerevent": kind, "id": event_uuid,
                  "time": at, "data": { "contact": { "id": $string(customer.number), "email": customer.mail } } }
                """);
        assertThat(client.post("/api/v1/mappings/reload", "").json().get("providers").toString()).contains("acme");

        Answer replayed = client.post("/api/v1/quarantine/" + key + "/replay", "");
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        assertThat(replayed.json().at("/event/type").asText()).isEqualTo("contact.updated");
        assertThat(replayed.json().at("/event/source").asText()).isEqualTo("/providers/acme/acme-shop");
        assertThat(replayed.json().at("/event/tenant").asText()).isEqualTo("acme-tenant");

        assertThat(client.get("/api/v1/events/" + key).json().at("/event/subject").asText()).isEqualTo("7");
        assertThat(client.get("/api/v1/quarantine/" + key).status()).isEqualTo(404);
        // The provider's retry of the same delivery is now a duplicate of the replayed event.
        assertThat(client.post("/webhooks/acme/acme-shop", body).json().get("status").asText()).isEqualTo("duplicate");
    }

    @Test
    void aMappingThatDoesNotParseFailsTheReloadAndKeepsTheCurrentOnes() throws IOException {
        Files.createDirectories(overrides.resolve("acme"));
        Files.writeString(overrides.resolve("acme/mapping.jsonata"), "{ \"type\": ");
        Answer reload = client.post("/api/v1/mappings/reload", "");
        assertThat(reload.status()).isEqualTo(422);
        assertThat(reload.contentType()).startsWith("application/problem+json");
        assertThat(client.get("/api/v1/mappings").json().get("providers").toString()).contains("mailstand", "acme");
    }

    @Test
    void replayOfAnUnknownIdIsNotFound() {
        Answer answer = client.post("/api/v1/quarantine/nope/replay", "");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }
}
