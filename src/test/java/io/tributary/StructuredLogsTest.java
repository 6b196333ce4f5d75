package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.tributary.TestReceiver.Reply;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Every log line about an event, a source or a subscription carries them as key-value pairs, which
 * structured logs ({@code logging.structured.format.console=ecs} or {@code logstash}) write as fields
 * of the line's JSON: an operator finds all of one event's lines by its key. Read here from the
 * logging events themselves, whatever format the console has in this test JVM (the first context's).
 */
@TributaryTest
@TestPropertySource(properties = "tributary.delivery.allowed-networks=127.0.0.0/8")
class StructuredLogsTest {

    @LocalServerPort
    int port;
    final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void listen() {
        lines.start();
        root.addAppender(lines);
    }

    @AfterEach
    void stop() {
        root.detachAppender(lines);
    }

    /** The key-value pairs of the first line whose message contains {@code text}, or null. */
    private Map<String, String> fields(String text) {
        for (ILoggingEvent line : List.copyOf(lines.list)) {
            if (line.getFormattedMessage().contains(text)) {
                return line.getKeyValuePairs() == null ? Map.of()
                        : line.getKeyValuePairs().stream().collect(Collectors.toMap(kv -> kv.key, kv -> String.valueOf(kv.value)));
            }
        }
        return null;
    }

    @Test
    void linesAboutAnEventNameItsKeySourceAndSubscriptionAsFields() {
        WebhookClient client = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();

        Answer quarantined = client.post("/webhooks/mailstand/demo",
                "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"no_such_event\",\"workspace_id\":\"" + tenant + "\"}");
        String quarantinedKey = quarantined.json().get("key").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> fields("quarantined " + quarantinedKey) != null);
        assertThat(fields("quarantined " + quarantinedKey))
                .containsEntry("eventKey", quarantinedKey).containsEntry("source", "/providers/mailstand/demo");

        try (TestReceiver gone = new TestReceiver().answering(n -> Reply.of(410))) {
            String subscription = client.post("/api/v1/subscriptions",
                    "{\"url\":\"" + gone.url() + "\",\"tenants\":[\"" + tenant + "\"]}").json().get("id").asText();
            String key = client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID()
                    + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\"}").json().get("key").asText();
            String paused = "subscription " + subscription + " answered 410";
            await().atMost(Duration.ofSeconds(20)).until(() -> fields(paused) != null);
            assertThat(fields(paused)).containsEntry("eventKey", key).containsEntry("subscriptionId", subscription)
                    .containsEntry("source", "/providers/mailstand/demo");
        }
    }
}
