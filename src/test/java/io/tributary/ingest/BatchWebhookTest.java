package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** One POST, several events: each stored once, with its own outcome, and delivered like any other. */
@TributaryTest
class BatchWebhookTest {

    @LocalServerPort
    int port;
    @Autowired
    DedupWindow dedup;

    private static String open(String id, String tenant) {
        return "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\",\"created_at\":1654703617}";
    }

    @Test
    void eachEventOfABatchIsAcceptedOnceAndDelivered() {
        WebhookClient client = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();
        String a = "evt_" + UUID.randomUUID();
        String b = "evt_" + UUID.randomUUID();
        String body = "[" + open(a, tenant) + "," + open(b, tenant) + "," + open(a, tenant)
                + ",{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"teleport\",\"workspace_id\":\"" + tenant + "\"}]";
        try (TestReceiver subscriber = new TestReceiver()) {
            Answer created = client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\",\"tenants\":[\"" + tenant + "\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            Answer answer = client.post("/webhooks/mailstand/demo", body);
            assertThat(answer.status()).as(answer.body()).isEqualTo(202);
            assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
            assertThat(statuses(answer)).containsExactly("accepted", "accepted", "duplicate", "quarantined");
            JsonNode events = answer.json().get("events");
            assertThat(events.get(0).get("id").asText()).isEqualTo(a);
            assertThat(events.get(1).get("id").asText()).isEqualTo(b);
            assertThat(events.get(3).get("reason").asText()).isEqualTo("unmapped");
            assertThat(client.get("/api/v1/events/" + events.get(1).get("key").asText()).json().at("/event/type").asText())
                    .isEqualTo("message.opened");

            await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.count() == 2);
            Set<String> delivered = new TreeSet<>();
            subscriber.received().forEach(r -> delivered.add(r.header("webhook-id")));
            assertThat(delivered).as("each once, under the key it is stored by")
                    .containsExactlyInAnyOrder(events.get(0).get("key").asText(), events.get(1).get("key").asText());

            Answer again = client.post("/webhooks/mailstand/demo", body);
            assertThat(again.status()).isEqualTo(202);
            assertThat(statuses(again)).as("a provider's retry of the batch").containsExactly("duplicate", "duplicate", "duplicate", "quarantined");
            dedup.clear(); // a restart forgot the window: the store still knows
            assertThat(statuses(client.post("/webhooks/mailstand/demo", body))).containsExactly("duplicate", "duplicate", "duplicate", "quarantined");
        }
    }

    @Test
    void aBatchOverTheLimitOrWithAnItemThatIsNoObjectIsRefusedWhole() {
        WebhookClient client = new WebhookClient(port);
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 1001; i++) {
            many.append(i == 0 ? "" : ",").append("{}");
        }
        Answer tooMany = client.post("/webhooks/mailstand/demo", many.append("]").toString());
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(tooMany.contentType()).startsWith("application/problem+json");
        assertThat(tooMany.json().get("detail").asText()).contains("1001", "1000");

        String id = "evt_" + UUID.randomUUID();
        Answer notObject = client.post("/webhooks/mailstand/demo", "[" + open(id, "t") + ", \"open\"]");
        assertThat(notObject.status()).isEqualTo(400);
        assertThat(notObject.json().get("field").asText()).isEqualTo("/1");
        Answer first = client.post("/webhooks/mailstand/demo", "[" + open(id, "t") + "]");
        assertThat(statuses(first)).as("nothing of the refused batch was kept").containsExactly("accepted");
    }

    private static List<String> statuses(Answer answer) {
        List<String> out = new ArrayList<>();
        answer.json().get("events").forEach(e -> out.add(e.get("status").asText()));
        return out;
    }
}
