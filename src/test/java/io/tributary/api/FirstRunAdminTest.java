package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

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
 * {@code X-Forwarded-For}. Run as on a
 * detected cloud platform, where Boot would otherwise believe forwarded headers by itself.
 */
@TributaryTest
@TestPropertySource(properties = "spring.main.cloud-platform=kubernetes")
class FirstRunAdminTest {

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
    }

    @Test
    void aClientElsewhereNeedsTheToken() throws Exception {
        InetAddress address = nonLoopbackAddress();
        String url = "http://" + RawHttp.authority(address, port);
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
        var address = RawHttp.nonLoopbackAddress();
        assumeThat(address).as("an address of this machine that is not loopback").isPresent();
        return address.get();
    }
}
