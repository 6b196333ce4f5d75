package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import io.tributary.mapping.GoldenSamples;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every golden sample posted through the real HTTP ingest path, as a provider posts it, and through
 * the dry-run API: the stored canonical event, the quarantine entry or the refusal must be the
 * expected one.
 */
@TributaryTest
class WebhookGoldenTest {

    @LocalServerPort
    int port;
    @Autowired
    DedupWindow dedup;
    WebhookClient client;

    static List<GoldenSamples.Case> cases() {
        return GoldenSamples.all();
    }

    @BeforeEach
    void forgetDeliveries() {
        client = new WebhookClient(port);
        // Samples of one provider may reuse a documented event id; each case is a fresh delivery.
        dedup.clear();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void webhookStoresTheExpectedEvent(GoldenSamples.Case c) {
        JsonNode expected = c.expectation();
        Answer answer = client.post(webhookPath(c), c.body());

        if (expected.has("rejected")) {
            assertThat(answer.status()).isEqualTo(expected.get("rejected").asInt());
            assertThat(answer.contentType()).startsWith("application/problem+json");
            return;
        }
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        if (expected.isArray()) {
            batchStoresEachExpectedEvent(c, expected, answer);
            return;
        }
        String id = answer.json().get("id").asText();
        String key = answer.json().get("key").asText();
        if (expected.has("quarantined")) {
            assertThat(answer.json().get("status").asText()).isEqualTo("quarantined");
            assertThat(answer.json().get("reason").asText()).isEqualTo(expected.get("quarantined").asText());
            assertThat(client.get("/api/v1/quarantine/" + key).json().get("reason").asText())
                    .isEqualTo(expected.get("quarantined").asText());
            return;
        }
        assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
        assertThat(id).isEqualTo(expected.get("id").asText());
        JsonNode stored = client.get("/api/v1/events/" + key).json().get("event");
        assertThat(GoldenSamples.masked(stored)).isEqualTo(GoldenSamples.masked(expected));

        Answer again = client.post(webhookPath(c), c.body());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
        assertThat(again.json().get("id").asText()).isEqualTo(id);
    }

    /** A batch: each event's outcome in order, each stored as expected, and all duplicates when sent again. */
    private void batchStoresEachExpectedEvent(GoldenSamples.Case c, JsonNode expected, Answer answer) {
        assertThat(answer.json().get("status").asText()).isEqualTo("accepted");
        JsonNode events = answer.json().get("events");
        assertThat(events.size()).as(answer.body()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            JsonNode got = events.get(i);
            String key = got.get("key").asText();
            if (want.has("quarantined")) {
                assertThat(got.get("status").asText()).isEqualTo("quarantined");
                assertThat(got.get("reason").asText()).isEqualTo(want.get("quarantined").asText());
                assertThat(client.get("/api/v1/quarantine/" + key).json().get("reason").asText()).isEqualTo(want.get("quarantined").asText());
                continue;
            }
            assertThat(got.get("status").asText()).as("event %d", i).isEqualTo("accepted");
            assertThat(got.get("id").asText()).isEqualTo(want.get("id").asText());
            JsonNode stored = client.get("/api/v1/events/" + key).json().get("event");
            assertThat(GoldenSamples.masked(stored)).isEqualTo(GoldenSamples.masked(want));
        }
        JsonNode again = client.post(webhookPath(c), c.body()).json().get("events");
        for (int i = 0; i < expected.size(); i++) {
            assertThat(again.get(i).get("status").asText()).as("event %d again", i)
                    .isEqualTo(expected.get(i).has("quarantined") ? "quarantined" : "duplicate");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dryRunGivesTheSameEventFromTheDryRunSource(GoldenSamples.Case c) {
        JsonNode expected = c.expectation();
        String path = "/api/v1/normalize/" + c.provider() + (c.eventKey() == null ? "" : "/" + c.eventKey());
        Answer answer = client.post(path, c.body());

        if (expected.has("rejected")) {
            assertThat(answer.status()).isEqualTo(expected.get("rejected").asInt());
            return;
        }
        if (expected.has("quarantined")) {
            assertThat(answer.status()).isEqualTo(422);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("reason").asText()).isEqualTo(expected.get("quarantined").asText());
            return;
        }
        if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) {
                if (expected.get(i).has("quarantined")) {
                    assertThat(answer.status()).isEqualTo(422);
                    assertThat(answer.json().get("item").asInt()).as("the first event that does not map").isEqualTo(i);
                    return;
                }
            }
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(answer.contentType()).startsWith("application/cloudevents-batch+json");
            assertThat(answer.json().size()).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                assertDryRunEvent(c, answer.json().get(i), expected.get(i));
            }
            return;
        }
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/cloudevents+json");
        assertDryRunEvent(c, answer.json(), expected);
    }

    private static void assertDryRunEvent(GoldenSamples.Case c, JsonNode event, JsonNode expected) {
        ObjectNode actual = (ObjectNode) GoldenSamples.masked(event);
        ObjectNode wanted = (ObjectNode) GoldenSamples.masked(expected);
        wanted.put("source", "/providers/" + c.provider() + "/dry-run");
        if (wanted.get("tenant").asText().equals(GoldenSamples.TENANT)) {
            // The tenant came from the demo source's configuration, which a dry run has not; so does
            // a derived id, which includes the tenant.
            wanted.remove("tenant");
            wanted.remove("id");
            actual.remove("id");
        }
        assertThat(actual).isEqualTo(wanted);
    }

    private static String webhookPath(GoldenSamples.Case c) {
        return "/webhooks/" + c.provider() + "/" + GoldenSamples.SOURCE + (c.eventKey() == null ? "" : "/" + c.eventKey());
    }
}
