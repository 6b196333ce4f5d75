package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.BuiltJar;
import io.tributary.TestReceiver;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The outbound half of the bad-input suite, against the built jar as a real process on loopback with
 * no network allowed beyond the public internet (no {@code allowed-networks}): subscriptions to
 * internal addresses however spelled, and headers that could split a request, are refused with a
 * problem+json and not stored; a name that resolves to an internal address gets nothing delivered;
 * the service is healthy afterwards.
 */
class OutboundSecurityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "it-admin-" + UUID.randomUUID();
    private static final String SOURCE_TOKEN = "it-source-" + UUID.randomUUID();

    @TempDir
    static Path work;
    static Process tributary;
    static WebhookClient client;

    @BeforeAll
    static void start() {
        int port = BuiltJar.freePort();
        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin(), "-Xmx256m", "-jar", BuiltJar.path().toString(),
                "--server.port=" + port, "--tributary.store.data-dir=" + work.resolve("data"),
                "--tributary.cluster.members=", "--tributary.cluster.port=" + BuiltJar.freePort(),
                "--tributary.cluster.interface-address=127.0.0.1",
                "--tributary.admin.token=" + ADMIN_TOKEN,
                "--tributary.sources.it.provider=mailstand", "--tributary.sources.it.tenant=it",
                "--tributary.sources.it.auth.type=token", "--tributary.sources.it.auth.header=X-It-Token",
                "--tributary.sources.it.auth.secrets=" + SOURCE_TOKEN,
                "--tributary.delivery.retry-schedule=0s"));
        try {
            tributary = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("tributary.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        client = new WebhookClient(port);
        BuiltJar.awaitHealthy(tributary, client, work.resolve("tributary.log"), Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() {
        if (tributary != null) {
            tributary.destroyForcibly();
        }
        try {
            java.nio.file.Files.copy(work.resolve("tributary.log"), Path.of("target", "OutboundSecurityIT.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING); // for a look after a failure
        } catch (IOException | RuntimeException e) {
            // no log to keep
        }
    }

    private static Answer subscribe(ObjectNode subscription) {
        return client.post("/api/v1/subscriptions", subscription.toString(), "Authorization", "Bearer " + ADMIN_TOKEN);
    }

    private static Answer admin(String path) {
        return client.get(path, "Authorization", "Bearer " + ADMIN_TOKEN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://2130706433/", "http://0177.0.0.1/", "http://0x7f.0.0.1/", "http://127.1/",
            "http://0x7f000001/", "http://127.000.000.001/", "http://127.0.0.1/", "http://0.0.0.0/", "http://localhost/",
            "http://169.254.169.254/", "http://10.0.0.1/", "http://100.64.0.1/", "http://192.0.0.170/", "http://198.18.0.1/",
            "http://240.0.0.1/", "http://255.255.255.255/", "http://[::1]/", "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:a9fe:a9fe]/", "http://[::127.0.0.1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::]/",
            "http://[fd00::1]/", "http://[fe80::1]/"})
    void subscriptionsToInternalAddressesAreRefusedAndNotStored(String url) {
        String marker = "ssrf-" + UUID.randomUUID();
        Answer answer = subscribe(JSON.createObjectNode().put("url", url + marker));
        assertThat(answer.status()).as(url + " " + answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("url");
        assertThat(admin("/api/v1/subscriptions").body()).doesNotContain(marker);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nX-Injected: 1", "a\u0000b", "a\u0001b", "a\u007fb", "a\u20acb"})
    void headerValuesThatCouldNotGoOutAsTheyAreAreRefused(String value) {
        String marker = "header-" + UUID.randomUUID();
        ObjectNode subscription = JSON.createObjectNode().put("url", "https://example.com/" + marker);
        subscription.putObject("headers").put("X-Custom", value);
        Answer answer = subscribe(subscription);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("field").asText()).isEqualTo("headers");
        assertThat(admin("/api/v1/subscriptions").body()).doesNotContain(marker);
    }

    /** This machine's own name resolves to loopback or its private address: internal either way. */
    @Test
    void aNameThatResolvesToAnInternalAddressGetsNothingDelivered() throws Exception {
        String ownName = InetAddress.getLocalHost().getHostName();
        Assumptions.assumeTrue(!ownName.matches("[0-9.:]+"), "the machine has a name");
        try (TestReceiver receiver = new TestReceiver()) {
            String tenant = "t-" + UUID.randomUUID();
            ObjectNode subscription = JSON.createObjectNode().put("url", receiver.url().replace("127.0.0.1", ownName));
            subscription.putArray("tenants").add(tenant);
            Answer created = subscribe(subscription);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String subId = created.json().get("id").asText();

            Answer posted = client.post("/webhooks/mailstand/it", "{\"id\":\"evt_" + UUID.randomUUID()
                    + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\"}", "X-It-Token", SOURCE_TOKEN);
            assertThat(posted.status()).as(posted.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    admin("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);
            assertThat(admin("/api/v1/dead-letters?subscription=" + subId).body()).contains("internal");
            assertThat(receiver.received()).isEmpty();
        }
    }

    @Test
    void theServiceIsHealthyAfterwards() {
        for (int i = 0; i < 20; i++) {
            subscribe(JSON.createObjectNode().put("url", "http://0x7f.1/"));
        }
        assertThat(client.get("/actuator/health").json().get("status").asText()).isEqualTo("UP");
    }
}
