package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Drift is noticed: unmapped provider events counted and announced once, and payload fields no mapping reads. */
@TributaryTest
class DriftTest {

    @LocalServerPort
    int port;

    @Test
    void anUnmappedEventNameIsCountedAndAnnouncedOnceAndANewFieldIsReported() throws Exception {
        WebhookClient client = new WebhookClient(port);
        String name = "teleport_" + UUID.randomUUID().toString().substring(0, 8);
        String field = "brand_new_" + UUID.randomUUID().toString().substring(0, 8);
        try (TestReceiver ops = new TestReceiver()) {
            String sub = client.post("/api/v1/subscriptions", "{\"url\":\"" + ops.url() + "\",\"types\":[\"tributary.mapping.*\"]}")
                    .json().get("id").asText();
            for (int i = 0; i < 3; i++) {
                String body = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + name + "\",\"workspace_id\":\"w\"}";
                assertThat(client.post("/webhooks/mailstand/demo", body).json().get("status").asText()).isEqualTo("quarantined");
            }
            String retry = "{\"id\":\"evt_same_" + name + "\",\"type\":\"" + name + "\"}";
            client.post("/webhooks/mailstand/demo", retry);
            client.post("/webhooks/mailstand/demo", retry); // the provider's retry of one delivery counts once
            client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\"w\","
                    + "\"to\":\"contact_1\",\"" + field + "\":{\"deep\":[1,2]},\"created_at\":1654703617}");

            JsonNode unmapped = find(client.get("/api/v1/drift?provider=mailstand").json().get("unmapped"), "providerEvent", name);
            assertThat(unmapped.get("seen").asInt()).isEqualTo(4);
            assertThat(unmapped.get("firstSeen").asText()).isNotBlank();

            await().atMost(Duration.ofSeconds(20)).until(() -> ops.received().stream().anyMatch(r -> r.bodyText().contains(name)));
            JsonNode announced = new ObjectMapper().readTree(ops.received().stream().filter(r -> r.bodyText().contains(name))
                    .findFirst().orElseThrow().bodyText());
            assertThat(announced.get("type").asText()).isEqualTo("tributary.mapping.unmapped");
            assertThat(announced.get("subject").asText()).isEqualTo("mailstand");
            assertThat(announced.at("/data/providerEvent").asText()).isEqualTo(name);
            await().atMost(Duration.ofSeconds(10)).until(() -> !find(client.get("/api/v1/drift").json().get("unmapped"), "providerEvent", name)
                    .get("announcedAt").isNull());
            client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"" + name + "\"}");
            assertThat(ops.received().stream().filter(r -> r.bodyText().contains(name)).count()).as("announced once").isEqualTo(1);

            JsonNode unread = find(client.get("/api/v1/drift?provider=mailstand").json().get("unreadFields"), "field", "/" + field + "/deep/*");
            assertThat(unread.get("providerEvent").asText()).isEqualTo("click");
            assertThat(unread.get("payloads").asInt()).isEqualTo(1);
            assertThat(client.get("/api/v1/drift?provider=mailstand").json().get("unreadFields").toString())
                    .as("fields the mapping reads are not drift").doesNotContain("\"/created_at\"", "\"/to\"");
            assertThat(client.get("/api/v1/drift?provider=nope").status()).isEqualTo(404);
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + sub)).DELETE());
        }
    }

    private static JsonNode find(JsonNode items, String key, String value) {
        for (JsonNode item : items) {
            if (item.path(key).asText().equals(value)) {
                return item;
            }
        }
        throw new AssertionError("no " + key + " " + value + " in " + items);
    }
}
