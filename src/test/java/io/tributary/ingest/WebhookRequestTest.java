package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** What a provider (or anyone else) gets back from the webhook endpoints for good and bad requests. */
@TributaryTest
class WebhookRequestTest {

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    private static String mailstandClick(String id) {
        return """
                {"id":"%s","type":"click","workspace_id":"space_1","to":"contact_1","to_email":"a@b.test","created_at":1654703617}
                """.formatted(id);
    }

    @Test
    void newEventIsAcceptedAndItsRetryIsADuplicate() {
        String id = "evt_" + UUID.randomUUID();
        Answer first = client.post("/webhooks/mailstand/demo", mailstandClick(id));
        assertThat(first.status()).isEqualTo(202);
        assertThat(first.json().get("id").asText()).isEqualTo(id);
        assertThat(first.json().get("status").asText()).isEqualTo("accepted");

        Answer retry = client.post("/webhooks/mailstand/demo", mailstandClick(id));
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("status").asText()).isEqualTo("duplicate");
        assertThat(retry.json().get("id").asText()).isEqualTo(id);
    }

    @Test
    void theSameEventPostedConcurrentlyIsAcceptedOnce() throws Exception {
        // The dedup window takes a key only once a request completes, so concurrent copies all reach
        // the store, whose insert-if-absent lets exactly one in.
        String id = "evt_" + UUID.randomUUID();
        java.util.concurrent.ExecutorService posters = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Answer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(posters.submit(() -> {
                    start.await();
                    return client.post("/webhooks/mailstand/demo", mailstandClick(id));
                }));
            }
            start.countDown();
            List<Integer> statuses = new java.util.ArrayList<>();
            for (var answer : answers) {
                statuses.add(answer.get().status());
            }
            assertThat(statuses).containsOnly(202, 200).filteredOn(s -> s == 202).hasSize(1);
        } finally {
            posters.shutdownNow();
        }
        assertThat(client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", id)).status()).isEqualTo(200);
    }

    @Test
    void eventKeyComesOnlyFromTheUrlNeverFromAHeader() {
        String body = "{\"dsid\":\"c-" + UUID.randomUUID() + "\"}";
        Answer spoofed = client.post("/webhooks/dailystory/demo", body, "eventKey", "opted_in_to_email");
        assertThat(spoofed.json().get("status").asText()).isEqualTo("quarantined");
        assertThat(spoofed.json().get("reason").asText()).isEqualTo("unmapped");

        Answer keyed = client.post("/webhooks/dailystory/demo/opted_in_to_email", body);
        assertThat(keyed.json().get("status").asText()).isEqualTo("accepted");
        String type = client.get("/api/v1/events/" + keyed.json().get("key").asText()).json().at("/event/type").asText();
        assertThat(type).isEqualTo("consent.opted_in");
    }

    @Test
    void unknownProviderIsNotFound() {
        Answer answer = client.post("/webhooks/nosuchprovider/demo", "{}");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }

    @Test
    void unknownSourceAndSourceOfAnotherProviderAreNotFound() {
        assertProblem(client.post("/webhooks/mailstand/nosuchsource", mailstandClick("evt_1")), 404);
        // acme-shop receives from acme only
        assertProblem(client.post("/webhooks/mailstand/acme-shop", mailstandClick("evt_2")), 404);
    }

    @Test
    void bodiesThatAreNotAJsonObjectAreBadRequests() {
        for (String body : new String[] {"", "[1,2]", "\"text\"", "42", "null", "{\"a\":", "{\"a\":1} trailing", "{'a':1}"}) {
            assertProblem(client.post("/webhooks/mailstand/demo", body), 400);
        }
        assertProblem(client.post("/webhooks/mailstand/demo", new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}), 400);
    }

    @Test
    void deepNestingAndHugeNumbersAreBadRequests() {
        assertProblem(client.post("/webhooks/mailstand/demo", "{\"a\":" + "[".repeat(500) + "]".repeat(500) + "}"), 400);
        assertProblem(client.post("/webhooks/mailstand/demo", "{\"a\":" + "9".repeat(5000) + "}"), 400);
        assertProblem(client.post("/webhooks/mailstand/demo", "{\"a\":\"" + "x".repeat(300_000) + "\"}"), 400);
    }

    @Test
    void nonJsonContentTypesAreUnsupported() {
        assertProblem(client.post("/webhooks/mailstand/demo", "a=b", "Content-Type", "application/x-www-form-urlencoded"), 415);
        assertProblem(client.post("/webhooks/mailstand/demo", "<a/>", "Content-Type", "application/xml"), 415);
    }

    @Test
    void bodiesOverTheLimitAreTooLargeWhetherDeclaredOrChunked() {
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertProblem(client.post("/webhooks/mailstand/demo", big), 413);

        HttpRequest.Builder chunked = HttpRequest.newBuilder(URI.create(client.base() + "/webhooks/mailstand/demo"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
        assertProblem(client.send(chunked), 413);
    }

    @Test
    void onlyPostIsAllowed() {
        assertProblem(client.get("/webhooks/mailstand/demo"), 405);
    }

    @Test
    void requestHeadersAreNotEchoedAndSecretsAreNotStored() {
        String id = "evt_" + UUID.randomUUID();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(client.base() + "/webhooks/mailstand/demo"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer provider-secret")
                .POST(HttpRequest.BodyPublishers.ofString(mailstandClick(id)));
        Answer answer = client.send(request);
        assertThat(answer.status()).isEqualTo(202);
        String stored = client.get("/api/v1/events/" + answer.json().get("key").asText()).body();
        assertThat(stored).doesNotContain("provider-secret").contains("[redacted]");
    }

    @Test
    void outcomesAreCountedByProviderOnPrometheus() {
        client.post("/webhooks/groupmail/demo", "{\"event\":\"no such event " + UUID.randomUUID() + "\"}");
        client.post("/webhooks/groupmail/demo", "[1]");
        String metrics = client.get("/actuator/prometheus").body();
        assertThat(metrics).as(metrics.lines().filter(l -> l.startsWith("tributary")).toList().toString())
                .contains("tributary_ingest_events_total{outcome=\"quarantined\",provider=\"groupmail\"}")
                .contains("tributary_ingest_events_total{outcome=\"rejected\",provider=\"groupmail\"}");
    }

    private static void assertProblem(Answer answer, int status) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(answer.body()).doesNotContain("Exception").doesNotContain("at io.");
    }
}
