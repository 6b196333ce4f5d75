package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** A candidate mapping beside the live one: shadow runs on kept and live traffic, promotion, rollback, with who and when. */
@TributaryTest
@TestPropertySource(properties = "tributary.mappings.check-interval=300ms")
class MappingLifecycleTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    private static String item(String event, String id) {
        return "{\"email\":\"jane@example.com\",\"timestamp\":1764752400,\"event\":\"" + event + "\",\"sg_event_id\":\"" + id
                + "\",\"sg_message_id\":\"m\",\"url\":\"https://x.test\"}";
    }

    private static String type(WebhookClient client, Answer answer, int i) {
        return client.get("/api/v1/events/" + answer.json().at("/events/" + i + "/key").asText()).json().at("/event/type").asText();
    }

    @Test
    void aCandidateIsShadowedOnKeptAndLiveTrafficThenPromotedAndRolledBack() throws Exception {
        WebhookClient client = new WebhookClient(port);
        Instant start = Instant.now().minusSeconds(1);
        String live = Files.readString(Path.of("src/test/resources/mappings/relaymail/mapping.jsonata"));
        String fileVersion = client.get("/api/v1/mappings/relaymail").json().get("version").asText();
        Answer kept = client.post("/webhooks/relaymail/demo", "[" + item("processed", "p-" + UUID.randomUUID()) + ","
                + item("click", "c-" + UUID.randomUUID()) + "," + item("group_resubscribe", "g-" + UUID.randomUUID()) + "]");
        assertThat(kept.json().at("/events/2/status").asText()).isEqualTo("quarantined");

        assertThat(client.post("/api/v1/mappings/relaymail/promote", "{}").status()).as("nothing to promote").isEqualTo(409);
        String candidateText = "/* @version fix-1 */\n" + live
                .replace("\"processed\": \"message.queued\"", "\"processed\": \"message.sent\"")
                .replace("\"click\": \"message.clicked\",", "")
                .replace("\"unsubscribe\": \"consent.opted_out\"", "\"unsubscribe\": \"consent.opted_out\", \"group_resubscribe\": \"consent.opted_in\"");
        Answer proposed = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/mappings/relaymail/candidate"))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("mapping", candidateText).put("actor", "alice").toString())));
        assertThat(proposed.status()).as(proposed.body()).isEqualTo(201);
        String candidateVersion = proposed.json().get("version").asText();
        assertThat(candidateVersion).startsWith("fix-1+");

        JsonNode shadow = client.post("/api/v1/mappings/relaymail/candidate/shadow", "{\"from\":\"" + start + "\"}").json();
        assertThat(shadow.get("payloads").asInt()).isEqualTo(3);
        assertThat(shadow.at("/events/CHANGED").asInt()).isEqualTo(1);
        assertThat(shadow.at("/events/QUARANTINED").asInt()).isEqualTo(1);
        assertThat(shadow.at("/events/RELEASED").asInt()).isEqualTo(1);
        JsonNode changed = shadow.at("/examples/CHANGED/0");
        assertThat(changed.get("payload").asText()).isEqualTo("/api/v1/events/" + kept.json().at("/events/0/key").asText());
        assertThat(changed.at("/differences/0/path").asText()).isEqualTo("/type");
        assertThat(changed.at("/differences/0/expected").asText()).isEqualTo("message.queued");
        assertThat(changed.at("/differences/0/actual").asText()).isEqualTo("message.sent");
        assertThat(shadow.at("/examples/QUARANTINED/0/reason").asText()).startsWith("unmapped");
        assertThat(shadow.at("/examples/RELEASED/0/payload").asText()).startsWith("/api/v1/quarantine/");

        client.post("/webhooks/relaymail/demo", "[" + item("processed", "p-" + UUID.randomUUID()) + "]");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                client.get("/api/v1/mappings/relaymail/candidate").json().at("/shadowOnLiveTraffic/events/CHANGED").asInt() == 1);

        JsonNode promoted = client.post("/api/v1/mappings/relaymail/promote", "{\"actor\":\"alice\"}").json();
        assertThat(promoted.get("liveVersion").asText()).isEqualTo(candidateVersion);
        assertThat(promoted.get("candidateVersion").isNull()).isTrue();
        assertThat(promoted.at("/changes/0/action").asText()).isEqualTo("promote");
        assertThat(promoted.at("/changes/0/actor").asText()).isEqualTo("alice (API)");
        assertThat(promoted.at("/changes/0/previous").asText()).isEqualTo(fileVersion);
        assertThat(Instant.parse(promoted.at("/changes/0/at").asText())).isAfter(start);
        Answer after = client.post("/webhooks/relaymail/demo", "[" + item("processed", "p-" + UUID.randomUUID()) + "]");
        assertThat(type(client, after, 0)).isEqualTo("message.sent");
        assertThat(client.get("/api/v1/events/" + after.json().at("/events/0/key").asText()).json().at("/event/mappingversion").asText())
                .isEqualTo(candidateVersion);

        JsonNode rolledBack = client.post("/api/v1/mappings/relaymail/rollback", "{}").json();
        assertThat(rolledBack.get("liveVersion").asText()).isEqualTo(fileVersion);
        assertThat(rolledBack.at("/changes/0/action").asText()).isEqualTo("rollback");
        assertThat(rolledBack.at("/changes/0/actor").asText()).isEqualTo("admin (API)");
        assertThat(type(client, client.post("/webhooks/relaymail/demo", "[" + item("processed", "p-" + UUID.randomUUID()) + "]"), 0))
                .isEqualTo("message.queued");
        assertThat(client.post("/api/v1/mappings/relaymail/rollback", "{}").status()).as("nothing promoted now").isEqualTo(409);
    }
}
