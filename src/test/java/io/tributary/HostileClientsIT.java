package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input cases that need the real process: Tributary's built jar on loopback, as it is
 * deployed. A source with an empty secret stops the start (naming the source, never a secret); a
 * body trickled in is cut off at its deadline; a refused request that declares a body it never sends
 * is answered at once; and the service is healthy afterwards.
 */
class HostileClientsIT {

    @TempDir
    Path work;

    private Process start(String name, int httpPort, String... args) {
        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin(), "-Xmx256m", "-jar", BuiltJar.path().toString(),
                "--server.port=" + httpPort, "--tributary.store.data-dir=" + work.resolve(name),
                "--tributary.cluster.port=" + BuiltJar.freePort()));
        command.addAll(List.of(args));
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String log(String name) {
        try {
            return Files.readString(work.resolve(name + ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aSourceWithAnEmptySecretStopsTheStart() throws Exception {
        Process process = start("empty-secret", BuiltJar.freePort(),
                "--tributary.sources.acme-outreach.provider=mailstand",
                "--tributary.sources.acme-outreach.auth.type=token",
                "--tributary.sources.acme-outreach.auth.secrets[0]=the-kept-secret-value",
                "--tributary.sources.acme-outreach.auth.secrets[1]=");
        try {
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the process ended by itself").isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertThat(log("empty-secret")).contains("source 'acme-outreach'").contains("empty or blank")
                    .doesNotContain("the-kept-secret-value");
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void slowAndRefusedClientsAreCutOffAndTheServiceStaysHealthy() {
        int port = BuiltJar.freePort();
        Process process = start("hostile", port,
                "--tributary.ingest.body-read-timeout=2s", "--server.tomcat.connection-timeout=4s",
                "--tributary.sources.open.provider=mailstand", "--tributary.sources.open.auth.type=none",
                "--tributary.sources.tok.provider=mailstand", "--tributary.sources.tok.auth.type=token",
                "--tributary.sources.tok.auth.header=X-Webhook-Token", "--tributary.sources.tok.auth.secrets=it-token");
        try {
            WebhookClient client = new WebhookClient(port);
            BuiltJar.awaitHealthy(process, client, work.resolve("hostile.log"), Duration.ofSeconds(120));

            // A body trickled in a byte at a time: every read gets something, only the deadline ends it.
            try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
                http.head("POST /webhooks/mailstand/open HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                        "Content-Length: 400");
                AtomicInteger sent = new AtomicInteger();
                await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200))
                        .until(() -> http.available() > 0 || !http.trySend(" ") || sent.incrementAndGet() < 0);
                String response = http.response();
                assertThat(RawHttp.status(response)).as(response).isEqualTo(408);
                assertThat(sent.get()).isLessThan(400);
            }
            // Refused for its credential: answered and closed without waiting for the 1 MB it declared.
            try (RawHttp http = new RawHttp(port, Duration.ofMillis(3500))) {
                String response = http.head("POST /webhooks/mailstand/tok HTTP/1.1", "Host: 127.0.0.1",
                        "Content-Type: application/json", "Content-Length: 1000000", "X-Webhook-Token: forged").response();
                assertThat(RawHttp.status(response)).as(response).isEqualTo(401);
                assertThat(response).containsIgnoringCase("application/problem+json");
                assertThat(http.closedByServer()).isTrue();
            }
            // More clients than Tomcat has request threads send an admitted head, then nothing (half of them
            // chunked): they hold connections, not threads; an honest webhook behind them is answered at once.
            try (SilentClients silent = new SilentClients(port, 220, "POST /webhooks/mailstand/tok HTTP/1.1",
                    "Content-Type: application/json", "X-Webhook-Token: it-token")) {
                java.net.http.HttpResponse<String> honest = SilentClients.post(port, "/webhooks/mailstand/open",
                        "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}", Duration.ofSeconds(3));
                assertThat(honest.statusCode()).as(honest.body()).isEqualTo(202);
                String late = silent.answer(1);
                assertThat(RawHttp.status(late)).as(late).isEqualTo(408);
            } catch (java.io.IOException | InterruptedException e) {
                throw new AssertionError("the honest webhook behind the silent clients was not answered in time", e);
            }
            WebhookClient.Answer ok = client.post("/webhooks/mailstand/tok",
                    "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}", "X-Webhook-Token", "it-token");
            assertThat(ok.status()).as(ok.body()).isEqualTo(202);
            assertThat(client.get("/actuator/health").json().get("status").asText()).isEqualTo("UP");
        } finally {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
