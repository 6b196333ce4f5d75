package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    void aPayloadTheFixedMappingMakesSeveralEventsOfLeavesWithAllOfThem() throws IOException {
        String id = UUID.randomUUID().toString();
        Answer answer = client.post("/webhooks/acme/acme-shop", """
                {"kind": "order.split", "event_uuid": "%s", "at": "2026-02-01T08:00:00Z", "customer": {"number": 8}, "parts": ["a", "b"]}
                """.formatted(id));
        String key = answer.json().get("key").asText();
        assertThat(answer.json().get("status").asText()).isEqualTo("quarantined");

        Files.createDirectories(overrides.resolve("acme"));
        Files.writeString(overrides.resolve("acme/mapping.jsonata"), """
                ( $p := $; parts.{ "type": "contact.updated", "providerevent": $p.kind, "id": $p.event_uuid & "-" & $,
                  "time": $p.at, "data": { "contact": { "id": $string($p.customer.number) } } } )
                """);
        client.post("/api/v1/mappings/reload", "");

        Answer replayed = client.post("/api/v1/quarantine/" + key + "/replay", "");
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(200);
        String prefix = key.substring(0, key.indexOf('.') + 1);
        assertThat(client.get("/api/v1/events/" + prefix + id + "-a").json().at("/event/type").asText()).isEqualTo("contact.updated");
        assertThat(client.get("/api/v1/events/" + prefix + id + "-b").status()).isEqualTo(200);
        assertThat(client.get("/api/v1/quarantine/" + key).status()).isEqualTo(404);
    }

    @Test
    void aGroupIsCountedAndReplayedWithAResultPerEntry() throws IOException {
        String batch = UUID.randomUUID().toString();
        List<String> carts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            carts.add(client.post("/webhooks/acme/acme-shop", """
                    {"kind": "cart.abandoned", "event_uuid": "%s-%d", "at": "2026-02-01T08:00:00Z", "customer": {"number": %d, "mail": "q@example.org"}}
                    """.formatted(batch, i, i)).json().get("key").asText());
        }
        String wish = client.post("/webhooks/acme/acme-shop", """
                {"kind": "wishlist.shared", "event_uuid": "%s-w", "at": "2026-02-01T08:00:00Z", "customer": {"number": 9}}
                """.formatted(batch)).json().get("key").asText();

        JsonNode group = group("acme", "unmapped");
        assertThat(group.get("count").asLong()).isGreaterThanOrEqualTo(4);
        assertThat(client.get("/api/v1/quarantine?provider=acme&reason=unmapped&limit=1000").json().get("items"))
                .extracting(item -> item.get("id").asText()).contains(carts.get(0), carts.get(1), carts.get(2), wish)
                .allSatisfy(id -> assertThat(id).isNotNull());
        assertThat(client.get("/api/v1/quarantine?provider=mailstand&reason=unmapped&limit=1000").json().get("items"))
                .extracting(item -> item.get("id").asText()).doesNotContain(wish);
        assertThat(client.get("/api/v1/quarantine?reason=lost").status()).isEqualTo(400);

        Files.createDirectories(overrides.resolve("acme"));
        Files.writeString(overrides.resolve("acme/mapping.jsonata"), """
                { "type": kind = "cart.abandoned" ? "contact.updated", "providerevent": kind, "id": event_uuid,
                  "time": at, "data": { "contact": { "id": $string(customer.number), "email": customer.mail } } }
                """);
        client.post("/api/v1/mappings/reload", "");

        Answer report = client.post("/api/v1/quarantine/replay?provider=acme&reason=unmapped&limit=1000", "");
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        Map<String, JsonNode> outcomes = new HashMap<>();
        report.json().get("items").forEach(item -> outcomes.put(item.get("id").asText(), item));
        for (String cart : carts) {
            assertThat(outcomes.get(cart).get("status").asText()).isEqualTo("accepted");
            assertThat(client.get("/api/v1/events/" + cart).json().at("/event/type").asText()).isEqualTo("contact.updated");
        }
        assertThat(outcomes.get(wish).get("status").asText()).isEqualTo("quarantined");
        assertThat(outcomes.get(wish).get("reason").asText()).isEqualTo("unmapped");
        assertThat(report.json().get("accepted").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(report.json().get("replayed").asInt()).isEqualTo(outcomes.size());
        assertThat(group("acme", "unmapped").get("count").asLong()).isEqualTo(group.get("count").asLong() - report.json().get("accepted").asInt());
        assertThat(client.get("/api/v1/quarantine/" + wish).status()).isEqualTo(200);
    }

    private JsonNode group(String provider, String reason) {
        for (JsonNode group : client.get("/api/v1/quarantine/groups").json().get("items")) {
            if (group.get("provider").asText().equals(provider) && group.get("reason").asText().equals(reason)) {
                return group;
            }
        }
        throw new AssertionError("no group " + provider + "/" + reason);
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
