package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.TestReceiver;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Hostile subscription filters: refused at creation when they go over their budget on the golden
 * samples; when one passes there but is slow on a live event, the webhook does not wait for it: the
 * delivery runs it, and is held with the reason (counted) when it goes over its budget or fails, or
 * settled as FILTERED when it says no, while every other subscriber gets the event and the service
 * stays healthy.
 */
@TributaryTest
class FilterBudgetTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;
    WebhookClient client;
    final List<TestReceiver> receivers = new ArrayList<>();

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @AfterEach
    void stopReceivers() {
        receivers.forEach(TestReceiver::close);
    }

    private TestReceiver receiver() {
        TestReceiver r = new TestReceiver();
        receivers.add(r);
        return r;
    }

    private static String json(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Mailstand click for the tenant, with this email subject; answered 202. */
    private String postClick(String tenant, String subject) {
        String id = "evt_" + UUID.randomUUID();
        Answer answer = client.post("/webhooks/mailstand/demo", """
                {"id":"%s","type":"click","workspace_id":"%s","to":"contact_1","to_email":"jane@example.com",
                 "subject":%s,"created_at":1654703617}""".formatted(id, tenant, json(subject)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        keys.put(id, answer.json().get("key").asText());
        return id;
    }

    /** The store's key of each event posted, by the provider's id (the API finds events by key). */
    private final java.util.Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();

    private String subscribe(String url, String tenant, String filter) {
        Answer answer = client.post("/api/v1/subscriptions", "{\"url\":%s,\"tenants\":[%s]%s}".formatted(json(url), json(tenant),
                filter == null ? "" : ",\"filter\":" + json(filter)));
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json().get("id").asText();
    }

    private JsonNode delivery(String eventId, String subscriptionId) {
        for (JsonNode d : client.get("/api/v1/events/" + keys.get(eventId) + "/deliveries").json().get("items")) {
            if (d.get("subscriptionId").asText().equals(subscriptionId)) {
                return d;
            }
        }
        return null;
    }

    private double failures(String subscriptionId) {
        return meters.find("tributary.filter.failures").tag("subscription", subscriptionId).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "$pad('', 1000000) = ''",
            "$count([1..10000000]) > 0",
            "$contains($string($), /(.*:){12}X/)",
            "($f := function($x) { $f($x + 1) }; $f(1))",
            "$eval('true')"})
    void aFilterOverItsBudgetOnTheGoldenSamplesIsRefusedAtCreation(String filter) {
        String url = "http://192.0.2.10/" + UUID.randomUUID();
        Answer answer = client.post("/api/v1/subscriptions", "{\"url\":%s,\"filter\":%s}".formatted(json(url), json(filter)));

        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).contains("filter").contains("budget");
        assertThat(client.get("/api/v1/subscriptions").body()).doesNotContain(url);
        assertThat(client.get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void aFilterOverItsBudgetIsRefusedOnUpdateToo() {
        String url = "http://192.0.2.10/" + UUID.randomUUID();
        String id = subscribe(url, "t-" + UUID.randomUUID(), "type = 'message.clicked'");
        Answer answer = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + id))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"url\":%s,\"filter\":%s}".formatted(json(url),
                        json("$count([1..10000000]) > 0")))));
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.body()).contains("budget");
        assertThat(client.get("/api/v1/subscriptions/" + id).json().get("filter").asText()).isEqualTo("type = 'message.clicked'");
    }

    private double deferred(String subscriptionId, String cause) {
        return meters.find("tributary.filter.deferred").tag("subscription", subscriptionId).tag("cause", cause).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    @Test
    void aFilterThatBlowsUpOnOneLiveEventHoldsThatDeliveryAndNoOtherSubscriberWaits() {
        String tenant = "t-" + UUID.randomUUID();
        TestReceiver trapped = receiver();
        TestReceiver failing = receiver();
        TestReceiver plain = receiver();
        // Linear on every golden sample's subject; backtracks without end on a subject of many a's and no final a.
        String trap = subscribe(trapped.url(), tenant,
                "$not($contains(data.message.subject, /(.*a){20}$/)) and data.message.subject != 'not for me'");
        // Fails on a subject that is not a number: accepted at creation (a failure is not a budget matter).
        String broken = subscribe(failing.url(), tenant, "$number(data.message.subject) > 0");
        subscribe(plain.url(), tenant, null);

        String ordinary = postClick(tenant, "Zoë's offer");
        String hostile = postClick(tenant, "a".repeat(40) + "!");
        // The webhook did not wait for the trap: it ran out of the event's filter time and left it to the delivery.
        assertThat(deferred(trap, "time")).isEqualTo(1.0);
        assertThat(meters.find("tributary.filter.ingest.cpu").timer().max(TimeUnit.MILLISECONDS))
                .as("CPU time an event's filters took while its webhook waited: near filter-time-per-event (10 ms),"
                        + " never the filter's whole budget (50 ms)").isLessThan(50);
        // Nor does the next event wait: a filter too slow once is left to the deliveries for a while.
        String refused = postClick(tenant, "not for me");
        assertThat(deferred(trap, "slow")).isEqualTo(1.0);

        await().atMost(WAIT).until(() -> plain.received().size() == 3);
        await().atMost(WAIT).until(() -> delivery(hostile, trap).get("held").asBoolean());
        await().atMost(WAIT).until(() -> "FILTERED".equals(delivery(refused, trap).get("status").asText()));
        await().atMost(WAIT).until(() -> delivery(hostile, broken).get("held").asBoolean());
        assertThat(trapped.received()).hasSize(1);
        assertThat(trapped.received().get(0).header("webhook-id")).isEqualTo(keys.get(ordinary));

        JsonNode held = delivery(hostile, trap);
        assertThat(held).as("the event is not dropped for the trapped subscriber").isNotNull();
        assertThat(held.get("status").asText()).isEqualTo("PENDING");
        assertThat(held.get("heldReason").asText()).contains("budget").contains("CPU");
        JsonNode filtered = delivery(refused, trap);
        assertThat(filtered.get("settledAt").isNull()).as("a filtered delivery is settled").isFalse();
        assertThat(filtered.get("attempts")).isEmpty();
        assertThat(delivery(ordinary, broken).get("heldReason").asText()).startsWith("filter failed");
        assertThat(failures(trap)).isEqualTo(1.0);
        assertThat(failures(broken)).isEqualTo(3.0);
        assertThat(failing.received()).isEmpty();
        assertThat(client.get("/actuator/health").status()).isEqualTo(200);

        // Nothing acknowledged is lost: resuming the subscription sends what its filter could not decide.
        assertThat(client.post("/api/v1/subscriptions/" + trap + "/resume", "").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> trapped.received().size() == 2);
        assertThat(trapped.received().get(1).header("webhook-id")).isEqualTo(keys.get(hostile));
        assertThat(delivery(hostile, trap).get("heldReason").isNull()).isTrue();
        assertThat(delivery(refused, trap).get("status").asText()).as("a resume does not send what the filter refused")
                .isEqualTo("FILTERED");
    }
}
