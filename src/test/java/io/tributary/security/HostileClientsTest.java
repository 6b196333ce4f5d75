package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.AsyncRequests;
import io.tributary.RawHttp;
import io.tributary.SilentClients;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Clients that try to hold the server, lock the real provider out, or pass for another source or
 * tenant: a body trickled in, requests that will never send their body, floods of forged signatures,
 * another source's event ids, ids made to break headers, a tenant named in the payload. On real
 * sockets against the whole application, with a real subscriber on loopback.
 */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.ingest.body-read-timeout=2s",
        "server.tomcat.connection-timeout=4s",
        "tributary.ingest.trusted-proxies=127.0.0.1/32",
        "tributary.ingest.auth-failure-rate-limit=5",
        "tributary.sources.tok.provider=mailstand",
        "tributary.sources.tok.auth.type=token",
        "tributary.sources.tok.auth.header=X-Webhook-Token",
        "tributary.sources.tok.auth.secrets=the-token",
        "tributary.sources.bas.provider=mailstand",
        "tributary.sources.bas.auth.type=basic",
        "tributary.sources.bas.auth.username=ms",
        "tributary.sources.bas.auth.secrets=the-password",
        "tributary.sources.sig.provider=mailstand",
        "tributary.sources.sig.auth.type=hmac",
        "tributary.sources.sig.auth.secrets=sig-secret-of-24-bytes!",
        "tributary.sources.sig.rate-limit=3",
        "tributary.sources.far.provider=mailstand",
        "tributary.sources.far.auth.type=none",
        "tributary.sources.far.allowed-ips=203.0.113.0/24",
        "tributary.sources.other.provider=mailstand",
        "tributary.sources.other.tenant=demo",
        "tributary.sources.other.auth.type=none",
        "tributary.sources.fixed.provider=mailstand",
        "tributary.sources.fixed.tenant=fixed-tenant",
        "tributary.sources.fixed.tenant-from=config",
        "tributary.sources.fixed.auth.type=none"})
class HostileClientsTest {

    /** Longer than the body deadline, shorter than Tomcat's read timeout: an answer within it was not waited for. */
    private static final Duration PROMPTLY = Duration.ofMillis(3500);

    @LocalServerPort
    int port;
    @Autowired
    ServletWebServerApplicationContext web;
    @Value("${tributary.ingest.max-body-size}")
    DataSize maxBodySize;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    private static String click() {
        return "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}";
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void aBodyTrickledInIsCutOffAtItsDeadline() {
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            http.head("POST /webhooks/mailstand/demo HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                    "Content-Length: 400");
            long start = System.nanoTime();
            AtomicInteger sent = new AtomicInteger();
            // One byte every 200 ms: each read gets something, so no read ever times out; only the
            // body's own deadline can end it.
            await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (http.available() > 0) {
                    return true;
                }
                if (http.trySend(" ")) {
                    sent.incrementAndGet();
                    return false;
                }
                return true;
            });
            String response = http.response();
            assertThat(RawHttp.status(response)).as(response).isEqualTo(408);
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(sent.get()).as("bytes of the 400 it declared").isLessThan(400);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        }
        assertThat(client.post("/webhooks/mailstand/demo", click()).status()).isEqualTo(202);
    }

    /**
     * A body answered while it was still coming (408 at its deadline, 413 once more came than the
     * limit) leaves no request in progress. Tomcat counted such requests as never done, and every stop
     * after one waited the graceful shutdown's whole timeout (15 s) for it.
     */
    @Test
    void aBodyAnsweredWhileStillComingLeavesNoRequestInProgress() {
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            http.head("POST /webhooks/mailstand/demo HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                    "Content-Length: 400");
            assertThat(RawHttp.status(http.response())).isEqualTo(408);
        }
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            http.head("POST /webhooks/mailstand/demo HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                    "Transfer-Encoding: chunked");
            // One byte over the limit and nothing after it: no unread byte for the server's close to reset.
            int over = (int) maxBodySize.toBytes() + 1;
            http.send(Integer.toHexString(over) + "\r\n" + "x".repeat(over));
            String response = http.response();
            assertThat(RawHttp.status(response)).as(response).isEqualTo(413);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(AsyncRequests.inProgress(web)).isZero());
    }

    /**
     * More clients than Tomcat has request threads (200) send an admitted head and then nothing: they
     * hold connections, not threads, so an honest webhook behind them is answered at once, not after
     * the read timeout (4 s here) frees a thread; each of them gets its 408 at the body deadline.
     */
    @Test
    void clientsSilentAfterTheirHeadHoldNoRequestThread() throws Exception {
        try (SilentClients silent = new SilentClients(port, 220, "POST /webhooks/mailstand/tok HTTP/1.1",
                "Content-Type: application/json", "X-Webhook-Token: the-token")) {
            java.net.http.HttpResponse<String> honest = SilentClients.post(port, "/webhooks/mailstand/demo", click(), Duration.ofSeconds(3));
            assertThat(honest.statusCode()).as(honest.body()).isEqualTo(202);
            for (int i : new int[] {0, 1}) { // one with a length, one chunked
                String late = silent.answer(i);
                assertThat(RawHttp.status(late)).as(late).isEqualTo(408);
            }
        }
    }

    /**
     * Requests refused for their source, address or credential declare a large body and never send it:
     * the answer comes without waiting for it (within the body deadline, far within Tomcat's read timeout).
     */
    @Test
    void refusedRequestsAreAnsweredWithoutReadingTheirBody() {
        assertAnsweredUnread(404, "POST /webhooks/mailstand/no-such-source HTTP/1.1");
        assertAnsweredUnread(404, "POST /webhooks/nosuchprovider/demo HTTP/1.1");
        assertAnsweredUnread(403, "POST /webhooks/mailstand/far HTTP/1.1");
        assertAnsweredUnread(401, "POST /webhooks/mailstand/tok HTTP/1.1", "X-Webhook-Token: not-the-token",
                "X-Forwarded-For: 198.51.100.201");
        assertAnsweredUnread(401, "POST /webhooks/mailstand/bas HTTP/1.1", "Authorization: Basic bXM6d3Jvbmc=",
                "X-Forwarded-For: 198.51.100.202");
        assertAnsweredUnread(401, "POST /webhooks/mailstand/sig HTTP/1.1", "X-Forwarded-For: 198.51.100.203");
        // Admitted: its body is waited for, until Tomcat's read timeout (nothing comes to look at the clock).
        assertAnswered(408, Duration.ofSeconds(8), "POST /webhooks/mailstand/tok HTTP/1.1", "X-Webhook-Token: the-token");
    }

    private void assertAnsweredUnread(int status, String requestLine, String... headers) {
        assertAnswered(status, PROMPTLY, requestLine, headers);
    }

    private void assertAnswered(int status, Duration within, String requestLine, String... headers) {
        try (RawHttp http = new RawHttp(port, within)) {
            String[] head = new String[headers.length + 4];
            head[0] = requestLine;
            head[1] = "Host: 127.0.0.1";
            head[2] = "Content-Type: application/json";
            head[3] = "Content-Length: 1000000";
            System.arraycopy(headers, 0, head, 4, headers.length);
            String response = http.head(head).response();
            assertThat(RawHttp.status(response)).as(requestLine + "\n" + response).isEqualTo(status);
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(http.closedByServer()).as("closed, not kept for the body").isTrue();
        }
    }

    @Test
    void aFloodOfForgedSignaturesDoesNotLockOutTheRealProvider() throws Exception {
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            Answer forged = client.post("/webhooks/mailstand/sig", click(), "X-Signature", "00ff", "X-Forwarded-For", "198.51.100.66");
            assertThat(forged.status()).isIn(401, 429);
            assertThat(forged.contentType()).startsWith("application/problem+json");
            limited += forged.status() == 429 ? 1 : 0;
        }
        assertThat(limited).as("the forger is held to its own failure budget").isGreaterThan(0);

        byte[] body = click().getBytes(StandardCharsets.UTF_8);
        Answer real = client.post("/webhooks/mailstand/sig", body, "X-Signature", hmac("sig-secret-of-24-bytes!", body),
                "X-Forwarded-For", "198.51.100.7");
        assertThat(real.status()).as(real.body()).isEqualTo(202);
        // Even from the forger's own address (a shared NAT, a proxy not declared trusted), right when
        // that address is over its failure budget.
        byte[] other = click().getBytes(StandardCharsets.UTF_8);
        String signature = hmac("sig-secret-of-24-bytes!", other);
        while (client.post("/webhooks/mailstand/sig", click(), "X-Signature", "00ff", "X-Forwarded-For", "198.51.100.66").status() != 429) {
            // spend the forger's budget again
        }
        Answer shared = client.post("/webhooks/mailstand/sig", other, "X-Signature", signature,
                "X-Forwarded-For", "198.51.100.66");
        assertThat(shared.status()).as(shared.body()).isEqualTo(202);
    }

    /**
     * Two sources of one provider send the same event id (two accounts numbering their events alike,
     * or one party posting another's id to a source it can reach): each is its own event, stored and
     * delivered; neither is answered {@code duplicate} for the other.
     */
    @Test
    void anEventIdSentToOneSourceNeverSuppressesAnotherSourcesEvent() {
        String tenant = "t-" + UUID.randomUUID();
        try (TestReceiver receiver = new TestReceiver()) {
            subscribe(receiver, tenant);
            String id = "evt_" + UUID.randomUUID();
            String body = "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\"}";

            Answer first = client.post("/webhooks/mailstand/other", body);
            Answer second = client.post("/webhooks/mailstand/demo", body);

            assertThat(first.json().get("status").asText()).isEqualTo("accepted");
            assertThat(second.json().get("status").asText()).as("not a duplicate of the other source's").isEqualTo("accepted");
            assertThat(first.json().get("id").asText()).isEqualTo(id).isEqualTo(second.json().get("id").asText());
            assertThat(first.json().get("key").asText()).isNotEqualTo(second.json().get("key").asText());
            assertThat(client.post("/webhooks/mailstand/demo", body).json().get("status").asText()).isEqualTo("duplicate");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 2);
            assertThat(receiver.received()).extracting(r -> r.header("webhook-id")).as("a subscriber can tell the two apart")
                    .containsExactlyInAnyOrder(first.json().get("key").asText(), second.json().get("key").asText());
            assertThat(receiver.received()).extracting(r -> r.bodyText().contains("/providers/mailstand/other"))
                    .containsExactlyInAnyOrder(true, false);
        }
    }

    /** An id that would break a header or a database (CR, LF, NUL, any control character), or is too long, is quarantined. */
    @Test
    void anIdWithControlCharactersOrTooLongIsQuarantinedAsInvalid() {
        for (String id : new String[] {"evt_1\\r\\nX-Injected: yes", "evt_\\u0000nul", "evt_\\u0007bell", "e".repeat(257)}) {
            Answer answer = client.post("/webhooks/mailstand/demo", "{\"id\":\"" + id + "\",\"type\":\"open\",\"to\":\"contact_1\"}");
            assertThat(answer.status()).as(id).isEqualTo(202);
            assertThat(answer.json().get("status").asText()).as(id).isEqualTo("quarantined");
            assertThat(answer.json().get("reason").asText()).isEqualTo("invalid");
            String key = answer.json().get("key").asText();
            assertThat(key).as("an unsafe id is hashed into its key").matches("[0-9a-f]{12}~[0-9a-f]{64}");
            assertThat(client.get("/api/v1/events/" + key).status()).isEqualTo(404);
            assertThat(client.get("/api/v1/quarantine/" + key).json().get("reason").asText()).isEqualTo("invalid");
        }
    }

    /** A source told to take its tenant from configuration ignores the one its payload names. */
    @Test
    void aSourceCanTakeItsTenantFromConfigurationOnly() {
        Answer fixed = client.post("/webhooks/mailstand/fixed",
                "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\"victim\",\"to\":\"contact_1\"}");
        assertThat(client.get("/api/v1/events/" + fixed.json().get("key").asText()).json().at("/event/tenant").asText())
                .isEqualTo("fixed-tenant");
        Answer open = client.post("/webhooks/mailstand/other",
                "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\"named\",\"to\":\"contact_1\"}");
        assertThat(client.get("/api/v1/events/" + open.json().get("key").asText()).json().at("/event/tenant").asText())
                .as("by default the payload's").isEqualTo("named");
    }

    private void subscribe(TestReceiver receiver, String tenant) {
        Answer created = client.post("/api/v1/subscriptions", "{\"url\":\"" + receiver.url() + "\",\"tenants\":[\"" + tenant + "\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
