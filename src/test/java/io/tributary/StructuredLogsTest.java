package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.TestReceiver.Reply;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * JSON logs by configuration alone ({@code logging.structured.format.console}), and every line about
 * an event, a source or a subscription carries them as fields, so an operator finds all of one
 * event's lines by its key.
 */
@TributaryTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "logging.structured.format.console=ecs",
        "tributary.delivery.allowed-networks=127.0.0.0/8"})
class StructuredLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;

    /** The JSON lines of the output whose message contains {@code text}. */
    private static List<JsonNode> lines(CapturedOutput output, String text) {
        List<JsonNode> found = new ArrayList<>();
        for (String line : output.getOut().split("\n")) {
            if (line.startsWith("{") && line.contains(text)) {
                try {
                    found.add(JSON.readTree(line));
                } catch (Exception notJson) {
                    // another writer's line
                }
            }
        }
        return found;
    }

    @Test
    void linesAboutAnEventNameItsKeySourceAndSubscriptionAsFields(CapturedOutput output) {
        WebhookClient client = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();

        Answer quarantined = client.post("/webhooks/mailstand/demo",
                "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"no_such_event\",\"workspace_id\":\"" + tenant + "\"}");
        String quarantinedKey = quarantined.json().get("key").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> !lines(output, "quarantined " + quarantinedKey).isEmpty());
        JsonNode line = lines(output, "quarantined " + quarantinedKey).get(0);
        assertThat(line.path("eventKey").asText()).isEqualTo(quarantinedKey);
        assertThat(line.path("source").asText()).isEqualTo("/providers/mailstand/demo");
        assertThat(line.path("log.level").asText(line.at("/log/level").asText())).isEqualTo("INFO");

        try (TestReceiver gone = new TestReceiver().answering(n -> Reply.of(410))) {
            String subscription = client.post("/api/v1/subscriptions",
                    "{\"url\":\"" + gone.url() + "\",\"tenants\":[\"" + tenant + "\"]}").json().get("id").asText();
            String key = client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID()
                    + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\"}").json().get("key").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> !lines(output, "subscription " + subscription + " answered 410").isEmpty());
            JsonNode paused = lines(output, "subscription " + subscription + " answered 410").get(0);
            assertThat(paused.path("eventKey").asText()).isEqualTo(key);
            assertThat(paused.path("subscriptionId").asText()).isEqualTo(subscription);
            assertThat(paused.path("source").asText()).isEqualTo("/providers/mailstand/demo");
        }
    }
}
