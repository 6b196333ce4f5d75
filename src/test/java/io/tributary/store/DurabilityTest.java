package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.TestReceiver;
import io.tributary.TestReceiver.Reply;
import io.tributary.TributaryApplication;
import io.tributary.WebhookClient;
import io.tributary.ingest.EventKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Tributary stopped and started again on the same database keeps everything it acknowledged:
 * events, quarantine, subscriptions, and a delivery waiting for its retry, which goes out at its time.
 * Run against the embedded H2 file database and, where {@code TRIBUTARY_TEST_POSTGRES_URL} is set
 * (CI starts one), against PostgreSQL.
 */
class DurabilityTest {

    @TempDir
    static Path dataDir;

    static Stream<Arguments> databases() {
        List<Arguments> dbs = new ArrayList<>();
        dbs.add(Arguments.of("h2", "jdbc:h2:file:" + dataDir.resolve("db-" + UUID.randomUUID()) + ";WRITE_DELAY=0", "sa", ""));
        PostgresDatabases.fresh().ifPresent(pg -> dbs.add(Arguments.of("postgresql", pg.url(), pg.user(), pg.password())));
        return dbs.stream();
    }

    private static ConfigurableApplicationContext start(String url, String user, String password) {
        // As command-line arguments, so they win over application.yaml.
        return new SpringApplicationBuilder(TributaryApplication.class)
                .profiles("first-run", "test")
                .run("--server.port=0", "--tributary.store.url=" + url, "--tributary.store.user=" + user,
                        "--tributary.store.password=" + password, "--tributary.delivery.retry-schedule=0s,8s",
                        "--tributary.delivery.jitter=0", "--camel.main.shutdown-timeout=1");
    }

    private static WebhookClient client(ConfigurableApplicationContext app) {
        return new WebhookClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everythingAcknowledgedSurvivesARestart(String name, String url, String user, String password) {
        try (TestReceiver subscriber = new TestReceiver().answering(n -> Reply.of(n == 1 ? 500 : 200))) {
            String eventId = "evt_" + UUID.randomUUID();
            String body = "{\"id\":\"" + eventId + "\",\"type\":\"open\",\"workspace_id\":\"w1\",\"to\":\"contact_1\",\"created_at\":1654703617}";
            String subId;
            String quarantineId;
            String eventKey;

            ConfigurableApplicationContext first = start(url, user, password);
            try {
                WebhookClient client = client(first);
                subId = client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}").json().get("id").asText();
                assertThat(client.post("/webhooks/mailstand/demo", body).status()).isEqualTo(202);
                eventKey = EventKeys.of("mailstand", "demo", eventId);
                quarantineId = client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_q_" + UUID.randomUUID() + "\",\"type\":\"warmup\"}")
                        .json().get("key").asText();
                await().atMost(Duration.ofSeconds(10)).until(() -> subscriber.received().size() == 1); // failed, retry in 8 s
            } finally {
                first.close();
            }
            assertThat(subscriber.received()).hasSize(1);

            ConfigurableApplicationContext second = start(url, user, password);
            try {
                WebhookClient client = client(second);
                assertThat(client.get("/api/v1/events/" + eventKey).json().at("/event/type").asText()).isEqualTo("message.opened");
                assertThat(client.get("/api/v1/subscriptions/" + subId).status()).isEqualTo(200);
                assertThat(client.get("/api/v1/quarantine/" + quarantineId).json().get("reason").asText()).isEqualTo("unmapped");
                // The provider retries the delivery Tributary already acknowledged: still a duplicate.
                assertThat(client.post("/webhooks/mailstand/demo", body).json().get("status").asText()).isEqualTo("duplicate");

                await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received().size() == 2);
                Duration gap = Duration.between(subscriber.received().get(0).at(), subscriber.received().get(1).at());
                assertThat(gap).as("the retry goes out at its time, not before").isGreaterThanOrEqualTo(Duration.ofMillis(7900));
                assertThat(subscriber.received().get(1).header("webhook-id")).isEqualTo(eventKey);
                await().atMost(Duration.ofSeconds(10)).until(() -> client.get("/api/v1/events/" + eventKey + "/deliveries").json()
                        .at("/items/0/status").asText().equals("SUCCEEDED"));
            } finally {
                second.close();
            }
        }
    }
}
