package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The overview's numbers: events by provider and type, deliveries and their first attempt, what needs a look. */
@TributaryTest
class StatsTest {

    @LocalServerPort
    int port;

    @Test
    void eventsAndDeliveriesOfTheLastHourAreCountedByMinute() {
        WebhookClient client = new WebhookClient(port);
        long before = clicks(client.get("/api/v1/stats").json());
        try (TestReceiver subscriber = new TestReceiver()) {
            String tenant = "t-" + UUID.randomUUID();
            client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\",\"tenants\":[\"" + tenant + "\"]}");
            for (int i = 0; i < 3; i++) {
                client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\""
                        + tenant + "\",\"to\":\"contact_1\",\"created_at\":1654703617}");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received().size() == 3);
        }
        JsonNode stats = client.get("/api/v1/stats").json();
        assertThat(stats.get("bucketSeconds").asInt()).isEqualTo(60);
        assertThat(Instant.parse(stats.get("from").asText())).isBetween(Instant.now().minus(Duration.ofMinutes(61)), Instant.now());
        assertThat(clicks(stats) - before).isEqualTo(3);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            long succeeded = 0;
            for (JsonNode b : client.get("/api/v1/stats").json().get("deliveries")) {
                succeeded += b.get("succeeded").asLong();
                assertThat(b.get("firstAttemptMaxMs").asDouble()).isGreaterThanOrEqualTo(b.get("firstAttemptAvgMs").asDouble());
            }
            return succeeded >= 3;
        });
        assertThat(stats.at("/totals/subscriptions").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(client.get("/api/v1/stats?window=24h").json().get("bucketSeconds").asInt()).isEqualTo(900);
        assertThat(client.get("/api/v1/stats?window=7d").status()).isEqualTo(400);
    }

    private static long clicks(JsonNode stats) {
        long n = 0;
        for (JsonNode c : stats.get("events")) {
            if (c.get("provider").asText().equals("mailstand") && c.get("type").asText().equals("message.clicked")) {
                n += c.get("count").asLong();
            }
        }
        return n;
    }
}
