package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.TestReceiver;
import io.tributary.TestReceiver.Reply;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * What Tributary sends out, and to where: subscriptions that would reach an internal address however
 * it is spelled are refused at creation, and so are headers that could not go out as they are. Only 127.0.0.1 (this test's own subscribers) and TEST-NET-1
 * are allowed, so every other internal address below must be refused.
 */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.delivery.allowed-networks=127.0.0.1/32,192.0.2.0/24",
        "tributary.delivery.retry-schedule=0s",
        "tributary.delivery.connect-timeout=1s",
        "tributary.delivery.request-timeout=1s"})
class OutboundSecurityTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    /** Each an internal address, or an IPv4 address in a spelling parsers disagree on. */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/", "http://0x7f000001/",
            "http://017700000001/", "http://127.000.000.001/", "http://0127.0.0.1/", "http://127.0.0.01/",
            "http://3232235777/", "http://0xa9fea9fe/", "http://169.254.43518/",
            "http://127.0.0.2/", "http://0.0.0.0/", "http://0.1.2.3/", "http://10.1.2.3/", "http://100.64.0.1/",
            "http://169.254.169.254/", "http://172.16.0.1/", "http://192.168.0.1/", "http://192.0.0.170/",
            "http://198.18.0.1/", "http://198.19.255.255/", "http://224.0.0.1/", "http://240.0.0.1/",
            "http://255.255.255.255/", "http://168.63.129.16/",
            "http://[::]/", "http://[::1]/", "http://[::127.0.0.2]/", "http://[::a9fe:a9fe]/",
            "http://[::ffff:127.0.0.2]/", "http://[::ffff:a9fe:a9fe]/", "http://[::ffff:10.0.0.1]/",
            "http://[64:ff9b::127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b::808:808]/",
            "http://[64:ff9b:1::1]/", "http://[2002:7f00:1::]/", "http://[2002:a9fe:a9fe::1]/", "http://[2002:808:808::]/",
            "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "http://[fd00::1]/", "http://[fe80::1]/", "http://[ff02::1]/"})
    void aSubscriptionToAnInternalAddressIsRefusedHoweverItIsSpelled(String url) {
        Answer answer = client.post("/api/v1/subscriptions", "{\"url\":\"" + url + "hook\"}");
        assertThat(answer.status()).as(url + " " + answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("url");
    }

    /** Control characters and characters HTTP/1.1 cannot carry, in a subscription header's value. */
    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\nX-Injected: 1", "a\u0000b", "a\u0001b", "a\u0008b", "a\u000bb",
            "a\u000cb", "a\u001bb", "a\u001fb", "a\u007fb", "a\u0100b", "a\u20acb", "a\ud83d\ude00b", "a\u2028b"})
    void aHeaderValueWithAControlOrNonLatin1CharacterIsRefusedNamingTheHeader(String value) {
        Answer answer = subscribeWithHeader("X-Custom-Header", value);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("headers");
        assertThat(answer.json().get("detail").asText()).contains("'X-Custom-Header'").doesNotContain(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"X Custom", "X:Custom", "X-Caf\u00e9", "X-\u0000", "X(Custom)", "X/Custom", ""})
    void aHeaderNameThatIsNoTokenIsRefused(String name) {
        Answer answer = subscribeWithHeader(name, "v");
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("headers");
    }

    /** Tab, visible ASCII and Latin-1 are what a header value may hold. */
    @Test
    void aHeaderValueOfVisibleAsciiTabAndLatin1IsAccepted() {
        Answer answer = subscribeWithHeader("X-Custom-Header", "Zo\u00eb\tsays \"hi\" ~ !#$%&'()*+,-./:;<=>?@[\\]^_`{|}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
    }

    private Answer subscribeWithHeader(String name, String value) {
        ObjectNode body = JSON.createObjectNode().put("url", "https://example.com/hook");
        body.putArray("tenants").add("nobody");
        body.putObject("headers").put(name, value);
        return client.post("/api/v1/subscriptions", body.toString());
    }

    @Test
    void deadLettersRedactTheSubscriptionsCredentialsAsTheSubscriptionApiDoes() {
        try (TestReceiver receiver = new TestReceiver().answering(n -> Reply.of(500))) {
            String tenant = "t-" + UUID.randomUUID();
            ObjectNode request = JSON.createObjectNode()
                    .put("url", receiver.url().replace("http://", "http://crm:userinfo-password-7@"));
            request.putArray("tenants").add(tenant);
            request.putObject("headers").put("Authorization", "Bearer header-secret-1").put("X-Api-Key", "header-secret-2")
                    .put("X-Team", "growth");
            Answer created = client.post("/api/v1/subscriptions", request.toString());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String subId = created.json().get("id").asText();
            String eventId = "evt_" + UUID.randomUUID();
            String eventKey = client.post("/webhooks/mailstand/demo", "{\"id\":\"" + eventId + "\",\"type\":\"open\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"contact_1\"}").json().get("key").asText();
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);

            JsonNode shown = client.get("/api/v1/dead-letters?subscription=" + subId).json().at("/items/0/subscription");
            JsonNode api = client.get("/api/v1/subscriptions/" + subId).json();
            assertThat(shown.toString()).doesNotContain("header-secret").doesNotContain("userinfo-password").doesNotContain("whsec_");
            assertThat(shown.at("/headers/Authorization").asText()).isEqualTo(api.at("/headers/Authorization").asText());
            assertThat(shown.at("/headers/X-Api-Key").asText()).isEqualTo(api.at("/headers/X-Api-Key").asText());
            assertThat(shown.at("/headers/X-Team").asText()).isEqualTo("growth");
        }
    }

    /** request-timeout is 1s here, and covers the whole answer. */
    @Test
    void aSubscriberThatTricklesItsBodyIsCutOffAndTheAttemptRecordedAsFailed() {
        try (TestReceiver receiver = new TestReceiver().tricklingBody()) {
            String tenant = "t-" + UUID.randomUUID();
            Answer created = client.post("/api/v1/subscriptions", "{\"url\":\"" + receiver.url() + "\",\"tenants\":[\"" + tenant + "\"]}");
            String subId = created.json().get("id").asText();
            String eventId = "evt_" + UUID.randomUUID();
            String eventKey = client.post("/webhooks/mailstand/demo", "{\"id\":\"" + eventId + "\",\"type\":\"open\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"contact_1\"}").json().get("key").asText();

            await().atMost(Duration.ofSeconds(10)).until(() ->
                    client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);
            JsonNode attempt = client.get("/api/v1/events/" + eventKey + "/deliveries").json().at("/items/0/attempts/0");
            assertThat(attempt.get("status").isNull()).isTrue();
            assertThat(attempt.get("error").asText()).contains("no complete response within 1000 ms");
            assertThat(attempt.get("responseDurationMs").asLong()).isBetween(900L, 5000L);
            assertThat(receiver.received()).hasSize(1);
        }
    }

    /** The allowed networks still work, in their canonical spelling. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9/", "http://192.0.2.10/", "http://[::ffff:192.0.2.10]/", "http://example.com/"})
    void allowedAndPublicDestinationsAreAccepted(String url) {
        Answer answer = client.post("/api/v1/subscriptions", "{\"url\":\"" + url + "hook\",\"tenants\":[\"nobody\"]}");
        assertThat(answer.status()).as(url + " " + answer.body()).isEqualTo(201);
    }
}
