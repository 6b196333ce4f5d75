package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.tributary.LocalAddresses;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The first-run profile ({@code mvn spring-boot:run}): a client on this machine uses the admin API
 * without a token, and nothing else does: not a client elsewhere, not one that calls itself local in
 * {@code X-Forwarded-For}, not a web page through DNS rebinding or a cross-site post. Run as on a
 * detected cloud platform, where Boot would otherwise believe forwarded headers by itself.
 */
@TributaryTest
@TestPropertySource(properties = "spring.main.cloud-platform=kubernetes")
class FirstRunAdminTest {

    private static final String SUBSCRIPTION = "{\"url\":\"http://127.0.0.1:9/csrf\"}";

    @LocalServerPort
    int port;
    @Value("${tributary.store.data-dir}")
    Path dataDir;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void aClientOnThisMachineNeedsNoToken() {
        assertThat(client.get("/api/v1/mappings").status()).isEqualTo(200);
        assertThat(client.get("/actuator/prometheus").status()).isEqualTo(200);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        for (String host : new String[] {"localhost:" + port, "127.0.0.1:" + port, "LOCALHOST", "[::1]:" + port}) {
            assertThat(RawHttp.send(loopback, port, "GET /api/v1/mappings HTTP/1.1\r\nHost: " + host + "\r\n").status())
                    .as(host).isEqualTo(200);
        }
    }

    @Test
    void aCallAddressedToAnotherNameIsRefused() {
        // DNS rebinding: the attacker's page, its name now pointing at 127.0.0.1, reads the admin API.
        for (String host : new String[] {"rebound.attacker.example:" + port, "rebound.attacker.example", "127.0.0.1.nip.io:" + port}) {
            RawHttp.Response answer = RawHttp.send(InetAddress.getLoopbackAddress(), port,
                    "GET /api/v1/quarantine HTTP/1.1\r\nHost: " + host + "\r\n");
            assertThat(answer.status()).as(host).isEqualTo(403);
            assertThat(answer.text()).contains("application/problem+json");
        }
        assertThat(RawHttp.send(InetAddress.getLoopbackAddress(), port, "GET /actuator/metrics HTTP/1.1\r\nHost: evil.example\r\n")
                .status()).isEqualTo(403);
    }

    @Test
    void aCrossSiteRequestIsRefused() {
        for (String origin : new String[] {"https://attacker.example", "null", "http://127.0.0.1.attacker.example:" + port}) {
            Answer answer = client.post("/api/v1/subscriptions", SUBSCRIPTION, "Origin", origin);
            assertThat(answer.status()).as(origin).isEqualTo(403);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(client.post("/api/v1/mappings/reload", "", "Origin", "https://attacker.example").status()).isEqualTo(403);
        assertThat(client.get("/api/v1/subscriptions").json().get("items")).isEmpty();
    }

    @Test
    void aBodyThatIsNotJsonIsRefused() {
        // What a page can post across sites without a preflight: a form, text/plain.
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "text/json", "application/jsonx"}) {
            Answer answer = client.post("/api/v1/subscriptions", SUBSCRIPTION, "Content-Type", type);
            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(client.get("/api/v1/subscriptions").json().get("items")).isEmpty();
    }

    @Test
    void aClientElsewhereNeedsTheToken() throws Exception {
        InetAddress address = nonLoopbackAddress();
        String url = "http://" + LocalAddresses.authority(address, port);
        String token = Files.readString(dataDir.resolve("admin-token"), StandardCharsets.UTF_8).trim();
        for (String path : new String[] {"/api/v1/mappings", "/actuator/prometheus"}) {
            Answer none = client.send(HttpRequest.newBuilder(URI.create(url + path)));
            assertThat(none.status()).as(path).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
            assertThat(client.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token))
                    .status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void forwardedHeadersDoNotMakeAClientLocal() {
        // A peer on a private network, as a pod or a load balancer's SNAT is, claiming to forward for 127.0.0.1.
        InetAddress address = nonLoopbackAddress();
        for (String header : new String[] {"X-Forwarded-For: 127.0.0.1", "X-Forwarded-For: ::1", "Forwarded: for=127.0.0.1",
                "X-Real-IP: 127.0.0.1"}) {
            RawHttp.Response answer = RawHttp.send(address, port,
                    "GET /api/v1/mappings HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + header + "\r\n");
            assertThat(answer.status()).as(header).isEqualTo(401);
        }
    }

    private static InetAddress nonLoopbackAddress() {
        var address = LocalAddresses.nonLoopback();
        assumeThat(address).as("an address of this machine that is not loopback").isPresent();
        return address.get();
    }
}
