package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.standardwebhooks.Webhook;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** After a mapping fix, a replay re-normalizes kept payloads: corrections go out as new revisions under the same webhook-id. */
@TributaryTest
class ReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path overrides;

    @DynamicPropertySource
    static void mappingOverrides(DynamicPropertyRegistry registry) {
        registry.add("tributary.mappings.location", () -> overrides.toUri().toString());
    }

    @LocalServerPort
    int port;

    @org.junit.jupiter.api.BeforeEach
    void liveMappingFromTheFiles() throws Exception {
        Files.deleteIfExists(overrides.resolve("acme/mapping.jsonata"));
        new WebhookClient(port).post("/api/v1/mappings/reload", "");
    }

    private static String signedUp(String id, String name) {
        return "{\"kind\":\"customer.signed_up\",\"event_uuid\":\"" + id + "\",\"at\":\"2026-02-01T08:00:00Z\","
                + "\"customer\":{\"number\":7,\"mail\":\"q@example.org\",\"full_name\":\"" + name + "\"}}";
    }

    /** The range of exactly these events' receipt: the first's recordedtime, and just after the last's. */
    private static String range(WebhookClient client, List<String> keys) {
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (String key : keys) {
            Instant at = Instant.parse(client.get("/api/v1/events/" + key).json().at("/event/recordedtime").asText());
            first = at.isBefore(first) ? at : first;
            last = at.isAfter(last) ? at : last;
        }
        return "\"from\":\"" + first + "\",\"to\":\"" + last.plusMillis(1) + "\"";
    }

    private JsonNode finished(WebhookClient client, JsonNode started) {
        String id = started.get("id").asText();
        await().atMost(WAIT).until(() -> !client.get("/api/v1/replays/" + id).json().get("status").asText().equals("running"));
        return client.get("/api/v1/replays/" + id).json();
    }

    private void fixMapping(WebhookClient client, String from, String to) throws Exception {
        Path live = Path.of("src/test/resources/mappings/acme/mapping.jsonata");
        Files.createDirectories(overrides.resolve("acme"));
        Files.writeString(overrides.resolve("acme/mapping.jsonata"), Files.readString(live).replace(from, to));
        assertThat(client.post("/api/v1/mappings/reload", "").status()).isEqualTo(200);
    }

    @Test
    void aFixReachesSubscribersAsANewRevisionTheyCanTellFromADuplicate() throws Exception {
        WebhookClient client = new WebhookClient(port);
        try (TestReceiver subscriber = new TestReceiver()) {
            JsonNode sub = client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\",\"types\":[\"contact.*\"],"
                    + "\"tenants\":[\"acme-tenant\"]}").json();
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                keys.add(client.post("/webhooks/acme/acme-shop", signedUp(UUID.randomUUID().toString(), "Ann Lee")).json().get("key").asText());
            }
            await().atMost(WAIT).until(() -> subscriber.count() == 3);
            String range = range(client, keys);

            // The fix: the contact's name was never mapped upper-case by the provider's wish.
            fixMapping(client, "\"name\": customer.full_name", "\"name\": $uppercase(customer.full_name)");
            JsonNode dry = finished(client, client.post("/api/v1/replays", "{\"provider\":\"acme\"," + range + ",\"dryRun\":true}").json());
            assertThat(dry.get("status").asText()).isEqualTo("done");
            assertThat(dry.get("total").asInt()).isEqualTo(3);
            assertThat(dry.get("revised").asInt()).isEqualTo(3);
            assertThat(dry.at("/examples/0/differences/0/path").asText()).isEqualTo("/data/contact/name");
            assertThat(dry.at("/examples/0/differences/0/actual").asText()).isEqualTo("ANN LEE");
            assertThat(client.get("/api/v1/events/" + keys.get(0)).json().at("/event/data/contact/name").asText()).as("a dry run changes nothing")
                    .isEqualTo("Ann Lee");

            JsonNode done = finished(client, client.post("/api/v1/replays", "{\"provider\":\"acme\"," + range + ",\"actor\":\"dana\"}").json());
            assertThat(done.get("revised").asInt()).isEqualTo(3);
            assertThat(done.get("actor").asText()).isEqualTo("dana (API)");
            await().atMost(WAIT).until(() -> subscriber.count() == 6);
            for (int i = 3; i < 6; i++) {
                TestReceiver.Received r = subscriber.received().get(i);
                new Webhook(sub.get("secret").asText()).verify(r.bodyText(), Map.of(
                        "webhook-id", List.of(r.header("webhook-id")),
                        "webhook-timestamp", List.of(r.header("webhook-timestamp")),
                        "webhook-signature", List.of(r.header("webhook-signature"))));
                JsonNode event = JSON.readTree(r.bodyText());
                assertThat(r.header("webhook-id")).as("the same webhook-id as the first revision").isIn(keys);
                assertThat(event.get("revision").asInt()).isEqualTo(2);
                assertThat(event.at("/data/contact/name").asText()).isEqualTo("ANN LEE");
            }
            JsonNode stored = client.get("/api/v1/events/" + keys.get(0)).json().get("event");
            assertThat(stored.get("revision").asInt()).isEqualTo(2);
            assertThat(client.get("/api/v1/events/" + keys.get(0) + "/deliveries").json().get("items")).hasSize(2);

            JsonNode again = finished(client, client.post("/api/v1/replays", "{\"provider\":\"acme\"," + range + "}").json());
            assertThat(again.get("revised").asInt()).isZero();
            assertThat(again.get("unchanged").asInt()).isEqualTo(3);
            client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + sub.get("id").asText())).DELETE());
        }
    }

    @Test
    void aLongReplayShowsItsProgressAndStopsWhenCancelled() throws Exception {
        WebhookClient client = new WebhookClient(port);
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 1000; i++) {
            batch.append(i == 0 ? "" : ",").append(signedUp(UUID.randomUUID().toString(), "Bo " + i));
        }
        JsonNode accepted = client.post("/webhooks/acme/acme-shop", batch.append("]").toString()).json();
        String range = range(client, List.of(accepted.at("/events/0/key").asText(), accepted.at("/events/999/key").asText()));
        fixMapping(client, "\"name\": customer.full_name", "\"name\": customer.full_name & \" (fixed)\"");

        JsonNode started = client.post("/api/v1/replays", "{\"provider\":\"acme\"," + range + "}").json();
        JsonNode cancelled = client.post("/api/v1/replays/" + started.get("id").asText() + "/cancel", "").json();
        assertThat(cancelled.get("id").asText()).isEqualTo(started.get("id").asText());
        JsonNode done = finished(client, started);
        assertThat(done.get("status").asText()).isEqualTo("cancelled");
        assertThat(done.get("processed").asLong()).isLessThan(1000);
        assertThat(done.get("revised").asLong()).isEqualTo(done.get("processed").asLong());
        assertThat(client.get("/api/v1/replays").json().get("items").toString()).contains(started.get("id").asText());
        assertThat(client.get("/api/v1/replays/nope").status()).isEqualTo(404);
    }
}
