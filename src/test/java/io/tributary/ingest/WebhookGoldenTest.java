package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.HazelcastInstance;
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
    HazelcastInstance hazelcast;
    WebhookClient client;

    static List<GoldenSamples.Case> cases() {
        return GoldenSamples.all();
    }

    @BeforeEach
    void forgetDeliveries() {
        client = new WebhookClient(port);
        // Samples of one provider may reuse a documented event id; each case is a fresh delivery.
        hazelcast.getMap(IngestConfiguration.DEDUP_MAP).clear();
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
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.contentType()).startsWith("application/cloudevents+json");
        ObjectNode actual = (ObjectNode) GoldenSamples.masked(answer.json());
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
