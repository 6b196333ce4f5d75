package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The mapping playground's API: a provider's mapping and samples, a try of a sample or a pasted body
 * through the live mapping or a text being written, and the field-level difference from the sample's
 * expected file.
 */
@TributaryTest
class PlaygroundTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    private Answer tryIt(String provider, Map<String, String> request) throws Exception {
        return client.post("/api/v1/mappings/" + provider + "/try", JSON.writeValueAsString(request), "Content-Type", "application/json");
    }

    @Test
    void aSampleThroughTheLiveMappingIsAsExpected() throws Exception {
        JsonNode mapping = client.get("/api/v1/mappings/mailstand").json();
        assertThat(mapping.get("mapping").asText()).contains("message.clicked");
        assertThat(mapping.get("samples").toString()).contains("\"click\"", "\"bounce\"");
        JsonNode sample = client.get("/api/v1/mappings/mailstand/samples/click").json();
        assertThat(sample.get("body").asText()).contains("\"click\"");
        assertThat(sample.at("/expected/type").asText()).isEqualTo("message.clicked");

        JsonNode result = tryIt("mailstand", Map.of("sample", "click")).json();
        assertThat(result.get("outcome").asText()).isEqualTo("event");
        assertThat(result.get("asExpected").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("differences")).isEmpty();
        assertThat(result.at("/event/source").asText()).isEqualTo("/providers/mailstand/demo");
    }

    @Test
    void aMappingBeingWrittenShowsItsDifferencesFieldByFieldAndLeavesTheLiveOneAlone() throws Exception {
        String draft = """
                { "type": "message.clicked", "providerevent": type, "id": id, "time": created_at,
                  "tenant": workspace_id, "data": { "channel": "email", "contact": { "id": to, "email": "someone@else.test" } } }""";
        JsonNode result = tryIt("mailstand", Map.of("sample", "click", "mapping", draft)).json();
        assertThat(result.get("outcome").asText()).as(result.toString()).isEqualTo("event");
        assertThat(result.get("asExpected").asBoolean()).isFalse();
        assertThat(result.get("differences")).anySatisfy(d -> {
            assertThat(d.get("path").asText()).isEqualTo("/data/contact/email");
            assertThat(d.get("expected").asText()).isEqualTo("jane@example.com");
            assertThat(d.get("actual").asText()).isEqualTo("someone@else.test");
        }).anySatisfy(d -> {
            assertThat(d.get("path").asText()).isEqualTo("/data/message");
            assertThat(d.get("actual").isNull()).isTrue();
        }).noneSatisfy(d -> assertThat(d.get("path").asText()).isIn("/id", "/type", "/data/contact/id"));

        assertThat(tryIt("mailstand", Map.of("sample", "click")).json().get("asExpected").asBoolean()).isTrue();
        Answer broken = tryIt("mailstand", Map.of("sample", "click", "mapping", "{ \"type\": "));
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aPastedBodyShowsTheExactReasonItIsRefused() throws Exception {
        JsonNode unmapped = tryIt("mailstand", Map.of("body", "{\"id\": \"evt_1\", \"type\": \"teleported\"}")).json();
        assertThat(unmapped.get("outcome").asText()).isEqualTo("quarantined");
        assertThat(unmapped.get("reason").asText()).isEqualTo("unmapped");
        assertThat(unmapped.get("detail").asText()).contains("teleported");
        assertThat(unmapped.get("differences").isNull()).as("no sample, nothing to compare with").isTrue();

        JsonNode notJson = tryIt("mailstand", Map.of("body", "hello")).json();
        assertThat(notJson.get("outcome").asText()).isEqualTo("rejected");
        assertThat(notJson.get("status").asInt()).isEqualTo(400);

        JsonNode quarantineSample = tryIt("dailydraft", Map.of("sample", "unknown_event")).json();
        assertThat(quarantineSample.get("outcome").asText()).isEqualTo("quarantined");
        assertThat(quarantineSample.get("asExpected").asBoolean()).as(quarantineSample.toString()).isTrue();

        assertThat(tryIt("mailstand", Map.of("sample", "no-such-sample")).status()).isEqualTo(400);
        assertThat(tryIt("nobody", Map.of("body", "{}")).status()).isEqualTo(404);
    }
}
