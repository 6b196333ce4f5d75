package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.WebhookClient.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input case for hostile subscription filters, against the built jar as a process: each is
 * refused at creation with a problem+json, one that blows up only on a crafted live event holds that
 * delivery while another subscriber gets the event, and the service stays healthy throughout. The jar
 * is configured as an operator would: an admin token, and a source of its own.
 */
class HostileFilterIT {

    private static final String TOKEN = "it-admin-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;
    Process process;
    WebhookClient client;

    @BeforeEach
    void start() throws IOException {
        int port = BuiltJar.freePort();
        List<String> command = List.of(BuiltJar.javaBin(), "-Xmx512m", "-jar", BuiltJar.path().toString(),
                "--server.port=" + port, "--tributary.store.data-dir=" + work.resolve("data"),
                "--tributary.cluster.members=", "--tributary.cluster.port=" + BuiltJar.freePort(),
                "--tributary.cluster.interface-address=127.0.0.1",
                "--tributary.admin.token=" + TOKEN,
                "--tributary.delivery.allowed-networks=127.0.0.0/8",
                "--tributary.sources.it.provider=mailstand", "--tributary.sources.it.tenant=it",
                "--tributary.sources.it.auth.type=none", "--tributary.sources.it.allowed-ips=127.0.0.0/8");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("tributary.log").toFile()).start();
        client = new WebhookClient(port);
        BuiltJar.awaitHealthy(process, client, work.resolve("tributary.log"), Duration.ofSeconds(90));
    }

    @AfterEach
    void stop() {
        process.destroy();
        await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
    }

    private Answer admin(String path, String body) {
        return client.post(path, body, "Authorization", "Bearer " + TOKEN);
    }

    private static String json(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String subscribe(String url, String filter) {
        Answer answer = admin("/api/v1/subscriptions", "{\"url\":%s%s}".formatted(json(url), filter == null ? "" : ",\"filter\":" + json(filter)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    private String postClick(String subject) {
        String id = "evt_" + UUID.randomUUID();
        Answer answer = client.post("/webhooks/mailstand/it", """
                {"id":"%s","type":"click","workspace_id":"w","to":"contact_1","subject":%s,"created_at":1654703617}"""
                .formatted(id, json(subject)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        keys.put(id, answer.json().get("key").asText());
        return id;
    }

    /** The store's key of each event posted, by the provider's id (the API finds events by key). */
    private final java.util.Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void hostileFiltersAreRefusedOrHeldAndTheServiceStaysHealthy() {
        for (String hostile : List.of("$pad('', 1000000) = ''", "$count([1..10000000]) > 0", "$contains($string($), /(.*:){12}X/)",
                "($f := function($x) { $f($x + 1) }; $f(1))", "$eval('true')")) {
            Answer refused = admin("/api/v1/subscriptions", "{\"url\":\"http://127.0.0.1:9/x\",\"filter\":%s}".formatted(json(hostile)));
            assertThat(refused.status()).as(hostile + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body()).contains("budget");
        }

        try (TestReceiver trapped = new TestReceiver(); TestReceiver plain = new TestReceiver()) {
            String trap = subscribe(trapped.url(), "$not($contains(data.message.subject, /(.*a){20}$/))");
            subscribe(plain.url(), null);

            String hostile = postClick("a".repeat(40) + "!");
            String ordinary = postClick("hello");

            await().atMost(Duration.ofSeconds(30)).until(() -> plain.count() == 2 && trapped.count() == 1);
            assertThat(trapped.received().get(0).header("webhook-id")).isEqualTo(keys.get(ordinary));
            // The webhook left the trap to its delivery, which holds it once the filter has spent its budget.
            JsonNode held = await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode deliveries = client.get("/api/v1/events/" + keys.get(hostile) + "/deliveries", "Authorization",
                        "Bearer " + TOKEN).json();
                for (JsonNode d : deliveries.get("items")) {
                    if (d.get("subscriptionId").asText().equals(trap)) {
                        return d;
                    }
                }
                return null;
            }, d -> d != null && d.get("held").asBoolean());
            assertThat(held.get("heldReason").asText()).contains("budget");
        }
        assertThat(client.get("/actuator/health").status()).isEqualTo(200);
        assertThat(process.isAlive()).isTrue();
    }
}
