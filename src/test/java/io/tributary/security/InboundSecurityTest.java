package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.standardwebhooks.Webhook;
import io.tributary.RawHttp;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Forged, replayed, tampered and unauthenticated requests against sources with each auth scheme;
 * IP allow-lists, rate limits; no delivery to internal addresses. Every refusal is a problem+json
 * that reveals nothing, nothing is stored from it, and the service stays healthy.
 */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.delivery.allowed-networks=192.0.2.0/24",
        "tributary.delivery.retry-schedule=0s",
        "tributary.ingest.trusted-proxies=127.0.0.1/32",
        "tributary.sources.dd.provider=dailydraft",
        "tributary.sources.dd.auth.type=dailydraft-signature",
        "tributary.sources.dd.auth.secrets=dd-old-secret-of-24-bytes,dd-new-secret-of-24-bytes",
        "tributary.sources.sw.provider=workspace",
        "tributary.sources.sw.auth.type=standard-webhooks",
        "tributary.sources.sw.auth.secrets=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "tributary.sources.hm.provider=groupmail",
        "tributary.sources.hm.auth.type=hmac",
        "tributary.sources.hm.auth.header=X-Hub-Signature",
        "tributary.sources.hm.auth.algorithm=SHA-1",
        "tributary.sources.hm.auth.encoding=base64",
        "tributary.sources.hm.auth.prefix=sha1=",
        "tributary.sources.hm.auth.secrets=hm-secret-of-24-bytes!!",
        "tributary.sources.hd.provider=mailstand",
        "tributary.sources.hd.auth.type=hmac",
        "tributary.sources.hd.auth.secrets=hd-secret-of-24-bytes!!",
        "tributary.sources.tq.provider=mailstand",
        "tributary.sources.tq.auth.type=token",
        "tributary.sources.tq.auth.secrets=query-token-1",
        "tributary.sources.th.provider=mailstand",
        "tributary.sources.th.auth.type=token",
        "tributary.sources.th.auth.header=X-Webhook-Token",
        "tributary.sources.th.auth.secrets=header-token-1",
        "tributary.sources.bs.provider=dailystory",
        "tributary.sources.bs.auth.type=basic",
        "tributary.sources.bs.auth.username=dailystory",
        "tributary.sources.bs.auth.secrets=basic-pw",
        "tributary.sources.ip.provider=mailstand",
        "tributary.sources.ip.auth.type=none",
        "tributary.sources.ip.allowed-ips=203.0.113.0/24",
        "tributary.sources.ipdd.provider=dailydraft",
        "tributary.sources.ipdd.auth.type=none",
        "tributary.sources.ipdd.allowed-ip-presets=dailydraft",
        "tributary.sources.rl.provider=mailstand",
        "tributary.sources.rl.auth.type=none",
        "tributary.sources.rl.rate-limit=3"})
class InboundSecurityTest {

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    /** The jar's send tool signs a sample exactly as each scheme's provider does: accepted, and refused with a wrong secret. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "dd  | dailydraft/email_clicked.json | --auth dailydraft-signature --secret dd-new-secret-of-24-bytes",
        "sw  | workspace/delivery-opened.json | --auth standard-webhooks --secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "hm  | groupmail/complaint.json | --auth hmac --secret hm-secret-of-24-bytes!! --header X-Hub-Signature --algorithm SHA-1 --encoding base64 --prefix sha1=",
        "hd  | mailstand/open.json | --auth hmac --secret hd-secret-of-24-bytes!!",
        "tq  | mailstand/click.json | --auth token --secret query-token-1",
        "th  | mailstand/send.json | --auth token --secret header-token-1 --header X-Webhook-Token",
        "bs/opted_out_of_email | dailystory/opted_out_of_email.json | --auth basic --username dailystory --secret basic-pw"})
    void theSendToolSignsASampleAsItsProviderDoes(String source, String sample, String auth) {
        String provider = sample.substring(0, sample.indexOf('/'));
        List<String> args = new java.util.ArrayList<>(List.of("send", "samples/" + sample, "--to", client.base() + "/webhooks/" + provider + "/" + source));
        args.addAll(List.of(auth.trim().split(" ")));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int status = io.tributary.tools.Cli.run(args.toArray(String[]::new), new java.io.PrintStream(out, true), System.err);
        assertThat(status).as(out.toString()).isZero();
        assertThat(out.toString()).matches("(?s)HTTP 20[02]\\n.*");

        int secret = args.indexOf("--secret") + 1;
        args.set(secret, args.get(secret).startsWith("whsec_") ? "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]) : "wrong" + args.get(secret));
        java.io.ByteArrayOutputStream refused = new java.io.ByteArrayOutputStream();
        assertThat(io.tributary.tools.Cli.run(args.toArray(String[]::new), new java.io.PrintStream(refused, true), System.err)).isEqualTo(1);
        assertThat(refused.toString()).startsWith("HTTP 401");
    }

    private static String dailyDraft(String id) {
        return "{\"event\":\"subscription.created\",\"timestamp\":\"2025-01-10T12:00:00Z\",\"newsletter_id\":123,"
                + "\"data\":{\"subscription_id\":\"" + id + "\",\"email\":\"a@b.test\"}}";
    }

    private static String hmac(String algorithm, String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance(algorithm);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }

    private void assertRefused(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).doesNotContain("secret").doesNotContain("sha256=").doesNotContain("Exception");
    }

    private void assertNotStored(String eventIdPart) {
        assertThat(client.get("/api/v1/quarantine").body()).doesNotContain(eventIdPart);
    }

    @Test
    void dailyDraftSignatureIsCheckedOnTheRawBodyWithEitherActiveSecret() throws Exception {
        String id = UUID.randomUUID().toString();
        byte[] body = dailyDraft(id).getBytes(StandardCharsets.UTF_8);
        String signature = "sha256=" + hmac("HmacSHA256", "dd-new-secret-of-24-bytes", body);

        assertThat(client.post("/webhooks/dailydraft/dd", body, "X-DailyDraft-Signature", signature).status()).isEqualTo(202);
        String oldSecretId = UUID.randomUUID().toString();
        byte[] other = dailyDraft(oldSecretId).getBytes(StandardCharsets.UTF_8);
        assertThat(client.post("/webhooks/dailydraft/dd", other, "X-DailyDraft-Signature",
                "sha256=" + hmac("HmacSHA256", "dd-old-secret-of-24-bytes", other)).status()).isEqualTo(202);

        String forged = UUID.randomUUID().toString();
        byte[] tampered = dailyDraft(forged).getBytes(StandardCharsets.UTF_8);
        assertRefused(client.post("/webhooks/dailydraft/dd", tampered, "X-DailyDraft-Signature", signature), 401);
        assertRefused(client.post("/webhooks/dailydraft/dd", tampered), 401);
        assertRefused(client.post("/webhooks/dailydraft/dd", tampered, "X-DailyDraft-Signature", "sha256=zz"), 401);
        assertRefused(client.post("/webhooks/dailydraft/dd", tampered, "X-DailyDraft-Signature",
                "sha256=" + hmac("HmacSHA256", "wrong", tampered)), 401);
        // Even a body that is not JSON is refused for its signature first: nothing parses unverified bytes.
        assertRefused(client.post("/webhooks/dailydraft/dd", "{not json"), 401);
        assertNotStored(forged);
    }

    @Test
    void standardWebhooksSignatureIsCheckedAndOldTimestampsAreReplays() throws Exception {
        Webhook signer = new Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String body = "{\"event\":\"contact.created\",\"workspace_id\":\"w\",\"data\":{\"contact_id\":\"c-" + UUID.randomUUID() + "\"}}";
        long now = Instant.now().getEpochSecond();
        String msgId = "msg_" + UUID.randomUUID();
        assertThat(client.post("/webhooks/workspace/sw", body, "webhook-id", msgId, "webhook-timestamp", Long.toString(now),
                "webhook-signature", signer.sign(msgId, now, body)).status()).isEqualTo(202);

        long old = now - 600;
        assertRefused(client.post("/webhooks/workspace/sw", body, "webhook-id", msgId, "webhook-timestamp", Long.toString(old),
                "webhook-signature", signer.sign(msgId, old, body)), 401);
        assertRefused(client.post("/webhooks/workspace/sw", body.replace("contact.created", "contact.deleted"), "webhook-id", msgId,
                "webhook-timestamp", Long.toString(now), "webhook-signature", signer.sign(msgId, now, body)), 401);
        assertRefused(client.post("/webhooks/workspace/sw", body), 401);
    }

    @Test
    void genericHmacTokenAndBasicSchemes() throws Exception {
        byte[] gm = ("{\"event\":\"message open\",\"message_id\":\"" + UUID.randomUUID() + "\",\"to\":\"a@b.test\"}").getBytes(StandardCharsets.UTF_8);
        Mac sha1 = Mac.getInstance("HmacSHA1");
        sha1.init(new SecretKeySpec("hm-secret-of-24-bytes!!".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String b64 = Base64.getEncoder().encodeToString(sha1.doFinal(gm));
        assertThat(client.post("/webhooks/groupmail/hm", gm, "X-Hub-Signature", "sha1=" + b64).status()).isEqualTo(202);
        assertRefused(client.post("/webhooks/groupmail/hm", gm, "X-Hub-Signature", "sha1=" + b64.substring(1)), 401);

        String ms = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}";
        // hmac with its defaults: X-Signature, SHA-256, hex, no prefix
        byte[] signed = ("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_2\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(client.post("/webhooks/mailstand/hd", signed, "X-Signature", hmac("HmacSHA256", "hd-secret-of-24-bytes!!", signed)).status())
                .isEqualTo(202);
        assertRefused(client.post("/webhooks/mailstand/hd", signed, "X-Signature", hmac("HmacSHA256", "other-secret", signed)), 401);

        assertThat(client.post("/webhooks/mailstand/tq?token=query-token-1", ms).status()).isEqualTo(202);
        assertRefused(client.post("/webhooks/mailstand/tq?token=query-token-2", ms), 401);
        assertRefused(client.post("/webhooks/mailstand/tq", ms), 401);
        String other = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"to\":\"contact_1\"}";
        assertThat(client.post("/webhooks/mailstand/th", other, "X-Webhook-Token", "header-token-1").status()).isEqualTo(202);
        assertRefused(client.post("/webhooks/mailstand/th?token=header-token-1", ms), 401);

        String ds = "{\"dsid\":\"" + UUID.randomUUID() + "\"}";
        String basic = "Basic " + Base64.getEncoder().encodeToString("dailystory:basic-pw".getBytes(StandardCharsets.UTF_8));
        assertThat(client.post("/webhooks/dailystory/bs/opted_in_to_email", ds, "Authorization", basic).status()).isEqualTo(202);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("dailystory:nope".getBytes(StandardCharsets.UTF_8));
        assertRefused(client.post("/webhooks/dailystory/bs/opted_in_to_email", ds, "Authorization", wrong), 401);
    }

    @Test
    void ipAllowListsBelieveForwardedForOnlyFromTrustedProxies() {
        String ms = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}";
        assertRefused(client.post("/webhooks/mailstand/ip", ms), 403); // from 127.0.0.1
        assertThat(client.post("/webhooks/mailstand/ip", ms, "X-Forwarded-For", "203.0.113.7").status()).isEqualTo(202);
        assertRefused(client.post("/webhooks/mailstand/ip", ms, "X-Forwarded-For", "203.0.113.7, 198.51.100.1"), 403);

        String dd = dailyDraft(UUID.randomUUID().toString());
        assertThat(client.post("/webhooks/dailydraft/ipdd", dd, "X-Forwarded-For", "34.102.136.20").status()).isEqualTo(202);
        assertRefused(client.post("/webhooks/dailydraft/ipdd", dd, "X-Forwarded-For", "35.191.0.1"), 403);
    }

    /**
     * A proxy that adds its own {@code X-Forwarded-For} line (HAProxy {@code option forwardfor}) leaves
     * the client's own line first: the lines are one list, and the right-most untrusted hop is the client.
     */
    @Test
    void severalForwardedForLinesAreReadAsOneList() {
        String ms = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}";
        assertThat(rawPost("/webhooks/mailstand/ip", ms, "X-Forwarded-For: 203.0.113.7", "X-Forwarded-For: 198.51.100.1"))
                .as("the client's own line names an allowed address; the proxy's line the real one").isEqualTo(403);
        assertThat(rawPost("/webhooks/mailstand/ip", ms, "X-Forwarded-For: 198.51.100.1", "X-Forwarded-For: 203.0.113.7"))
                .isEqualTo(202);
    }

    private int rawPost(String path, String body, String... headers) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + bytes.length + "\r\n" + String.join("\r\n", headers) + "\r\n\r\n";
            return RawHttp.status(http.send(head + body).response());
        }
    }

    @Test
    void aSourceOverItsRateLimitGets429WithRetryAfter() {
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            Answer answer = client.post("/webhooks/mailstand/rl", "{\"id\":\"evt_rl_" + UUID.randomUUID() + "\",\"type\":\"open\"}");
            if (answer.status() == 429) {
                limited++;
                assertThat(answer.contentType()).startsWith("application/problem+json");
            }
        }
        assertThat(limited).isGreaterThanOrEqualTo(5);
        // A bare {} counts as well (auth none: every request is authenticated); on a loaded machine the
        // bucket may refill between two requests, so it is asked a few times in a row.
        boolean bareLimited = false;
        for (int i = 0; i < 20 && !bareLimited; i++) {
            var raw = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/webhooks/mailstand/rl"))
                    .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
            bareLimited = raw.status() == 429;
        }
        assertThat(bareLimited).isTrue();
    }

    @Test
    void refusalsAreCountedAndRecordedWithoutTheirBodies() {
        String marker = "body-marker-" + UUID.randomUUID();
        client.post("/webhooks/dailydraft/dd", "{\"event\":\"" + marker + "\"}", "User-Agent", "forger/1.0");
        String log = client.get("/api/v1/rejections").body();
        assertThat(log).contains("\"source\":\"dd\"").contains("\"reason\":\"unauthenticated\"").contains("forger/1.0")
                .doesNotContain(marker);
        assertThat(client.get("/actuator/prometheus").body())
                .contains("tributary_ingest_rejected_total{reason=\"unauthenticated\",source=\"dd\"}");
    }

    @org.springframework.beans.factory.annotation.Autowired
    com.hazelcast.core.HazelcastInstance hazelcast;

    @Test
    void theRejectionLogKeepsTheLastThousandAndCutsWhatTheClientChose() {
        assertThat(hazelcast.getRingbuffer(io.tributary.store.DurableMaps.REJECTIONS).capacity()).isEqualTo(1_000);
        String agent = "forger/" + "x".repeat(5_000);
        client.post("/webhooks/dailydraft/dd", "{}", "User-Agent", agent);
        com.fasterxml.jackson.databind.JsonNode newest = client.get("/api/v1/rejections?limit=1").json().get("items").get(0);
        assertThat(newest.get("userAgent").asText()).hasSize(257).startsWith("forger/xxx").endsWith("…");
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.tributary.ingest.WebhookIngestor ingestor;

    @org.springframework.beans.factory.annotation.Autowired
    org.apache.camel.CamelContext camel;

    @Test
    void aMessageThatIsNotTheHttpRequestIsRefusedNotLetPastTheGate() {
        // audit L4: were a route step to replace the message, the gate (signature, addresses, rate) must not be skipped
        var exchange = new org.apache.camel.support.DefaultExchange(camel);
        exchange.setVariable("provider", "dailydraft");
        exchange.getMessage().setHeader("sourceId", "dd");
        exchange.getMessage().setBody(dailyDraft("evt_l4_" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ingestor.receive(exchange)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source gate");
    }

    @Test
    void subscribersOnInternalAddressesAreRefused() {
        for (String url : new String[] {"http://169.254.169.254/latest/meta-data/", "http://10.0.0.5/hook",
                "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook", "http://192.168.1.1/"}) {
            Answer answer = client.post("/api/v1/subscriptions", "{\"url\":\"" + url + "\"}");
            assertThat(answer.status()).as(url).isEqualTo(400);
            assertThat(answer.json().get("field").asText()).isEqualTo("url");
        }
        assertThat(client.post("/api/v1/subscriptions", "{\"url\":\"file:///etc/passwd\"}").status()).isEqualTo(400);
    }

    @Test
    void aHostNameThatResolvesToAnInternalAddressIsRefusedAtDeliveryTime() throws Exception {
        // This machine's own name is no literal address to the API's check; when sent, it resolves to
        // loopback or the machine's own (private) address: internal either way.
        String ownName = java.net.InetAddress.getLocalHost().getHostName();
        org.junit.jupiter.api.Assumptions.assumeTrue(!ownName.matches("[0-9.:]+"), "the machine has a name");
        try (TestReceiver receiver = new TestReceiver()) {
            String url = receiver.url().replace("127.0.0.1", ownName);
            String tenant = "t-" + UUID.randomUUID();
            Answer created = client.post("/api/v1/subscriptions", "{\"url\":\"" + url + "\",\"tenants\":[\"" + tenant + "\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String subId = created.json().get("id").asText();
            client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"contact_1\"}");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);
            assertThat(client.get("/api/v1/dead-letters?subscription=" + subId).body()).contains("internal");
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void theServiceIsHealthyAfterwards() {
        for (int i = 0; i < 20; i++) {
            client.post("/webhooks/dailydraft/dd", "{\"event\":" + "[".repeat(1000));
        }
        assertThat(client.get("/actuator/health").json().get("status").asText()).isEqualTo("UP");
    }
}
