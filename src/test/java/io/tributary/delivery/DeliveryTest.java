package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.tributary.TestReceiver;
import io.tributary.ingest.EventKeys;
import io.tributary.TestReceiver.Received;
import io.tributary.TestReceiver.Reply;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * Delivery to real HTTP subscribers on loopback, on a shortened schedule: each request checked as a
 * subscriber written by others would (the Standard Webhooks library, the CloudEvents SDK).
 */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.delivery.retry-schedule=0s,300ms,600ms,900ms",
        "tributary.delivery.jitter=0",
        "tributary.delivery.pause-after-failures=9",
        "tributary.delivery.max-in-flight=1",
        "tributary.delivery.max-retry-after=5s",
        "tributary.subscriptions.declared-crm.url=http://127.0.0.1:9/declared",
        "tributary.subscriptions.declared-crm.types=contact.*"})
class DeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @LocalServerPort
    int port;
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

    /** Creates a subscription; returns the API's answer (with the secret). */
    private JsonNode subscribe(String json) {
        Answer answer = client.post("/api/v1/subscriptions", json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        return answer.json();
    }

    /** A new Mailstand click for a fresh tenant, so only this test's subscriptions see it. */
    private String postClick(String tenant) {
        String id = "evt_" + UUID.randomUUID();
        Answer answer = client.post("/webhooks/mailstand/demo", """
                {"id":"%s","type":"click","workspace_id":"%s","to":"contact_1","to_email":"jane@example.com",
                 "subject":"Zoë's offer","created_at":1654703617}""".formatted(id, tenant));
        assertThat(answer.status()).isEqualTo(202);
        return id;
    }

    private static String tenant() {
        return "t-" + UUID.randomUUID();
    }

    private static void verifySignature(String secret, Received r) throws Exception {
        new Webhook(secret).verify(r.bodyText(), Map.of(
                "webhook-id", List.of(r.header("webhook-id")),
                "webhook-timestamp", List.of(r.header("webhook-timestamp")),
                "webhook-signature", List.of(r.header("webhook-signature"))));
    }

    @Test
    void structuredDeliveryIsSignedPerStandardWebhooksAndIsACloudEvent() throws Exception {
        TestReceiver receiver = receiver();
        String tenant = tenant();
        JsonNode sub = subscribe("""
                {"url":"%s","types":["message.*"],"tenants":["%s"],"headers":{"X-Team":"growth"}}"""
                .formatted(receiver.url(), tenant));
        String id = postClick(tenant);

        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        Received r = receiver.received().get(0);
        verifySignature(sub.get("secret").asText(), r);
        assertThat(r.header("webhook-id")).as("the event's key: unique across sources").isEqualTo(EventKeys.of("mailstand", "demo", id));
        assertThat(r.header("user-agent")).startsWith("Tributary/");
        assertThat(r.header("x-team")).isEqualTo("growth");
        assertThat(r.header("content-type")).startsWith("application/cloudevents+json");

        EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        CloudEvent event = format.deserialize(r.body());
        assertThat(event.getId()).isEqualTo(id);
        assertThat(event.getType()).isEqualTo("message.clicked");
        assertThat(event.getSource().toString()).isEqualTo("/providers/mailstand/demo");
        assertThat(event.getExtension("tenant")).isEqualTo(tenant);
        assertThat(new String(event.getData().toBytes())).contains("Zoë's offer");
    }

    @Test
    void binaryDeliveryCarriesDataAsBodyAndAttributesAsHeaders() throws Exception {
        TestReceiver receiver = receiver();
        String tenant = tenant();
        JsonNode sub = subscribe("""
                {"url":"%s","tenants":["%s"],"format":"binary"}""".formatted(receiver.url(), tenant));
        String id = postClick(tenant);

        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        Received r = receiver.received().get(0);
        verifySignature(sub.get("secret").asText(), r);
        CloudEvent event = HttpMessageFactory.createReader(r.headers().entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get(0))), r.body()).toEvent();
        assertThat(event.getId()).isEqualTo(id);
        assertThat(event.getType()).isEqualTo("message.clicked");
        assertThat(event.getSubject()).isEqualTo("contact_1");
        assertThat(event.getExtension("providerevent")).isEqualTo("click");
        assertThat(new String(event.getData().toBytes())).startsWith("{\"channel\":\"email\"").contains("Zoë's offer");
    }

    @Test
    void subscribersGetOnlyWhatTheirTypesProvidersTenantsAndFilterSelect() {
        String tenant = tenant();
        TestReceiver clicks = receiver();
        TestReceiver opens = receiver();
        TestReceiver workspaceOnly = receiver();
        TestReceiver filtered = receiver();
        subscribe("{\"url\":\"%s\",\"types\":[\"message.clicked\"],\"tenants\":[\"%s\"]}".formatted(clicks.url(), tenant));
        subscribe("{\"url\":\"%s\",\"types\":[\"message.opened\"],\"tenants\":[\"%s\"]}".formatted(opens.url(), tenant));
        subscribe("{\"url\":\"%s\",\"types\":[\"*\"],\"providers\":[\"workspace\"],\"tenants\":[\"%s\"]}".formatted(workspaceOnly.url(), tenant));
        subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"],\"filter\":\"data.contact.email = 'vip@example.com'\"}".formatted(filtered.url(), tenant));

        postClick(tenant);
        client.post("/webhooks/workspace/demo", """
                {"event":"delivery.opened","workspace_id":"%s","data":{"message_id":"m1","contact_id":"c1","email":"vip@example.com","channel":"email"}}"""
                .formatted(tenant));

        await().atMost(WAIT).until(() -> clicks.received().size() == 1 && opens.received().size() == 1
                && workspaceOnly.received().size() == 1 && filtered.received().size() == 1);
        assertThat(clicks.received().get(0).bodyText()).contains("\"type\":\"message.clicked\"");
        assertThat(opens.received().get(0).bodyText()).contains("\"provider\":\"workspace\"");
        assertThat(filtered.received().get(0).bodyText()).contains("vip@example.com");
    }

    @Test
    void failingSubscriberIsRetriedOnTheScheduleWithTheSameWebhookId() throws Exception {
        TestReceiver receiver = receiver().answering(n -> Reply.of(n <= 2 ? 500 : 200));
        String tenant = tenant();
        JsonNode sub = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant));
        String id = postClick(tenant);

        await().atMost(WAIT).until(() -> receiver.received().size() == 3);
        List<Received> got = receiver.received();
        assertThat(got).extracting(r -> r.header("webhook-id")).containsOnly(EventKeys.of("mailstand", "demo", id));
        for (Received r : got) {
            verifySignature(sub.get("secret").asText(), r);
        }
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isBetween(Duration.ofMillis(250), Duration.ofMillis(2000));
        assertThat(Duration.between(got.get(1).at(), got.get(2).at())).isBetween(Duration.ofMillis(550), Duration.ofMillis(2500));

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode delivery = client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", id) + "/deliveries").json().get("items").get(0);
            assertThat(delivery.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(delivery.get("attempts")).hasSize(3);
            assertThat(delivery.at("/attempts/0/status").asInt()).isEqualTo(500);
            assertThat(delivery.at("/attempts/0/nextAttemptAt").isTextual()).isTrue();
            assertThat(delivery.at("/attempts/2/status").asInt()).isEqualTo(200);
        });
    }

    @Test
    void exhaustedDeliveryIsDeadLetteredAndArrivesOnReplay() {
        TestReceiver receiver = receiver().answering(n -> Reply.of(503));
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        String id = postClick(tenant);

        await().atMost(WAIT).until(() -> client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);
        assertThat(receiver.received()).hasSize(4);
        JsonNode dead = client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").get(0);
        assertThat(dead.get("eventId").asText()).isEqualTo(EventKeys.of("mailstand", "demo", id));
        assertThat(dead.at("/delivery/attempts")).hasSize(4);
        assertThat(dead.at("/event/id").asText()).isEqualTo(id);
        assertThat(dead.at("/subscription/url").asText()).isEqualTo(receiver.url());
        assertThat(dead.at("/subscription").has("secrets")).isFalse();

        receiver.answering(n -> Reply.of(204));
        Answer replay = client.post("/api/v1/dead-letters/" + EventKeys.of("mailstand", "demo", id) + "/" + subId + "/replay", "");
        assertThat(replay.status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> receiver.received().size() == 5);
        await().atMost(WAIT).until(() -> client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", id) + "/deliveries").json()
                .at("/items/0/status").asText().equals("SUCCEEDED"));
        assertThat(client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items")).isEmpty();
    }

    @Test
    void bulkReplayResendsEveryDeadLetterOfASubscription() {
        TestReceiver receiver = receiver().answering(n -> Reply.of(500));
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        postClick(tenant);
        postClick(tenant);
        await().atMost(WAIT).until(() -> client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 2);

        receiver.answering(n -> Reply.of(200));
        int before = receiver.received().size();
        Answer bulk = client.post("/api/v1/dead-letters/replay?subscription=" + subId, "");
        assertThat(bulk.json().get("replayed").asInt()).isEqualTo(2);
        await().atMost(WAIT).until(() -> receiver.received().size() == before + 2);
    }

    @Test
    void unreachableSubscriberIsRetriedLikeA5xxAndDeadLettered() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nothing listens there once closed
        }
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"http://127.0.0.1:%d/hook\",\"tenants\":[\"%s\"]}".formatted(closedPort, tenant))
                .get("id").asText();
        String id = postClick(tenant);
        await().atMost(WAIT).until(() -> client.get("/api/v1/dead-letters?subscription=" + subId).json().get("items").size() == 1);
        JsonNode attempts = client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", id) + "/deliveries").json().at("/items/0/attempts");
        assertThat(attempts.get(0).get("status").isNull()).isTrue();
        assertThat(attempts.get(0).get("error").asText()).contains("Connect");
    }

    @Test
    void redirectsAreNotFollowedAndCountAsFailures() {
        TestReceiver target = receiver();
        TestReceiver redirecting = receiver().answering(n -> n == 1 ? new Reply(302, Map.of("Location", target.url())) : Reply.of(200));
        String tenant = tenant();
        subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(redirecting.url(), tenant));
        postClick(tenant);
        await().atMost(WAIT).until(() -> redirecting.received().size() == 2);
        assertThat(target.received()).isEmpty();
    }

    @Test
    void retryAfterOn429IsHonoured() {
        TestReceiver receiver = receiver().answering(n -> n == 1 ? new Reply(429, Map.of("Retry-After", "2")) : Reply.of(200));
        String tenant = tenant();
        subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant));
        postClick(tenant);

        await().atMost(WAIT).until(() -> receiver.received().size() == 2);
        List<Received> got = receiver.received();
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void operationalEventsTellPausesAndExhaustedDeliveriesToTheSubscriptionsThatAskForThem() {
        TestReceiver ops = receiver();
        subscribe("{\"url\":\"%s\",\"types\":[\"tributary.subscription.paused\",\"tributary.delivery.exhausted\"]}".formatted(ops.url()));
        TestReceiver everything = receiver();
        String catchAll = subscribe("{\"url\":\"%s\",\"providers\":[\"tributary\"]}".formatted(everything.url())).get("id").asText();

        String goneTenant = tenant();
        String gone = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver().answering(n -> Reply.of(410)).url(), goneTenant))
                .get("id").asText();
        postClick(goneTenant);
        String failingTenant = tenant();
        String failing = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver().answering(n -> Reply.of(503)).url(),
                failingTenant)).get("id").asText();
        String id = postClick(failingTenant);

        await().atMost(WAIT).until(() -> about(ops, gone).size() == 1 && about(ops, failing).size() == 1);
        JsonNode paused = about(ops, gone).get(0);
        assertThat(paused.get("type").asText()).isEqualTo("tributary.subscription.paused");
        assertThat(paused.get("source").asText()).isEqualTo("/tributary");
        assertThat(paused.at("/data/reason").asText()).isEqualTo("gone");
        JsonNode exhausted = about(ops, failing).get(0);
        assertThat(exhausted.get("type").asText()).isEqualTo("tributary.delivery.exhausted");
        assertThat(exhausted.at("/data/event").asText()).isEqualTo(EventKeys.of("mailstand", "demo", id));
        assertThat(exhausted.at("/data/eventType").asText()).isEqualTo("message.clicked");
        assertThat(exhausted.at("/data/attempts").asInt()).isEqualTo(4);
        assertThat(exhausted.at("/data/reason").asText()).isEqualTo("HTTP 503");
        assertThat(client.get("/api/v1/events/" + exhausted.get("id").asText()).json().at("/event/type").asText())
                .as("stored like any event").isEqualTo("tributary.delivery.exhausted");

        client.post("/api/v1/subscriptions/" + failing + "/pause", "");
        await().atMost(WAIT).until(() -> about(ops, failing).size() == 2);
        assertThat(about(ops, failing).get(1).at("/data/reason").asText()).isEqualTo("manual");
        client.post("/api/v1/subscriptions/" + failing + "/pause", "");
        assertThat(everything.received()).as("a subscription to every type does not get them unasked").isEmpty();
        client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + catchAll)).DELETE());
    }

    /** The operational events a receiver got about one subscription, in order. */
    private static List<JsonNode> about(TestReceiver receiver, String subscriptionId) {
        List<JsonNode> out = new ArrayList<>();
        for (Received r : receiver.received()) {
            try {
                JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.bodyText());
                if (subscriptionId.equals(event.path("subject").asText())) {
                    out.add(event);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Test
    void goneSubscriberIsPausedAndItsEventIsKept() {
        TestReceiver receiver = receiver().answering(n -> Reply.of(410));
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        String id = postClick(tenant);

        await().atMost(WAIT).until(() -> client.get("/api/v1/subscriptions/" + subId).json().get("paused").asBoolean());
        assertThat(client.get("/api/v1/subscriptions/" + subId).json().get("pausedReason").asText()).isEqualTo("gone");
        assertThat(receiver.received()).hasSize(1);

        receiver.answering(n -> Reply.of(200));
        client.post("/api/v1/subscriptions/" + subId + "/resume", "");
        await().atMost(WAIT).until(() -> receiver.received().size() == 2);
        assertThat(receiver.received().get(1).header("webhook-id")).isEqualTo(EventKeys.of("mailstand", "demo", id));
    }

    @Test
    void failingSubscriberIsPausedAndHeldEventsArriveInOrderOnResume() {
        TestReceiver receiver = receiver().answering(n -> Reply.of(500));
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(postClick(tenant)); // 3 events x 3 failed attempts reach the 9 that pause it
        }
        await().atMost(WAIT).until(() -> client.get("/api/v1/subscriptions/" + subId).json().get("paused").asBoolean());
        assertThat(client.get("/api/v1/subscriptions/" + subId).json().get("pausedReason").asText()).isEqualTo("failing");
        await().during(Duration.ofMillis(1200)).atMost(WAIT).until(() -> receiver.received().size() >= 9);
        int attempts = receiver.received().size();
        assertThat(attempts).isBetween(9, 10); // the 9th failure pauses; one more may have been in flight

        for (int i = 0; i < 5; i++) {
            ids.add(postClick(tenant)); // held, not sent
        }
        await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> receiver.received().size() == attempts);

        receiver.answering(n -> Reply.of(200));
        Answer resumed = client.post("/api/v1/subscriptions/" + subId + "/resume", "");
        assertThat(resumed.json().get("paused").asBoolean()).isFalse();
        await().atMost(WAIT).until(() -> receiver.received().size() == attempts + ids.size());
        List<String> order = receiver.received().subList(attempts, attempts + ids.size()).stream()
                .map(r -> r.header("webhook-id")).toList();
        assertThat(order).isEqualTo(ids.stream().map(id -> EventKeys.of("mailstand", "demo", id)).toList());
    }

    @Test
    void aHangingSubscriberDoesNotDelayTheOthers() {
        TestReceiver hanging = receiver().hanging();
        TestReceiver healthy = receiver();
        String tenant = tenant();
        subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(hanging.url(), tenant));
        subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(healthy.url(), tenant));
        for (int i = 0; i < 30; i++) {
            postClick(tenant);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> healthy.received().size() == 30);
        assertThat(hanging.received()).hasSizeLessThanOrEqualTo(1); // one in flight, the rest wait their turn
    }

    @Test
    void sendsWaitingForTheirTurnAreHeldWhenTheSubscriptionIsPausedMeanwhile() {
        java.util.concurrent.CountDownLatch slow = new java.util.concurrent.CountDownLatch(1);
        TestReceiver receiver = receiver().answering(n -> {
            if (n == 1) {
                try {
                    slow.await(10, java.util.concurrent.TimeUnit.SECONDS); // the first request is slow to answer
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Reply.of(200);
        });
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        String first = postClick(tenant);
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        String second = postClick(tenant); // waits for the one request in flight (max-in-flight 1)
        String third = postClick(tenant);
        assertThat(client.post("/api/v1/subscriptions/" + subId + "/pause", "").status()).isEqualTo(200);
        slow.countDown();

        for (String waiting : List.of(second, third)) {
            await().atMost(WAIT).until(() -> client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", waiting) + "/deliveries")
                    .json().at("/items/0/held").asBoolean());
        }
        assertThat(receiver.received()).as("nothing sent once paused").hasSize(1);
        await().atMost(WAIT).until(() -> "SUCCEEDED".equals(client.get("/api/v1/events/" + EventKeys.of("mailstand", "demo", first)
                + "/deliveries").json().at("/items/0/status").asText()));

        client.post("/api/v1/subscriptions/" + subId + "/resume", "");
        await().atMost(WAIT).until(() -> receiver.received().size() == 3);
    }

    @Test
    void rotatedSecretSignsBesideTheOldOneDuringTheGracePeriod() throws Exception {
        TestReceiver receiver = receiver();
        String tenant = tenant();
        JsonNode sub = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant));
        String oldSecret = sub.get("secret").asText();
        JsonNode rotated = client.post("/api/v1/subscriptions/" + sub.get("id").asText() + "/rotate-secret", "").json();
        String newSecret = rotated.get("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        postClick(tenant);
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        Received r = receiver.received().get(0);
        assertThat(r.header("webhook-signature").split(" ")).hasSize(2);
        verifySignature(oldSecret, r);
        verifySignature(newSecret, r);
    }

    @Test
    void secretsAreShownOnceAndRedactedAfterwards() {
        JsonNode sub = subscribe("""
                {"url":"https://hooks.example.com/x","tenants":["nobody"],"secret":"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw","headers":{"Authorization":"Bearer abc"}}""");
        assertThat(sub.get("secret").asText()).isEqualTo("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        String shown = client.get("/api/v1/subscriptions/" + sub.get("id").asText()).body()
                + client.get("/api/v1/subscriptions").body();
        assertThat(shown).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").doesNotContain("Bearer abc");
    }

    @Test
    void invalidSubscriptionsAreRefusedNamingTheField() {
        Map<String, String> cases = Map.of(
                "url", "{\"url\":\"ftp://example.com/x\"}",
                "filter", "{\"url\":\"https://example.com/x\",\"filter\":\"data.(\"}",
                "format", "{\"url\":\"https://example.com/x\",\"format\":\"xml\"}",
                "types", "{\"url\":\"https://example.com/x\",\"types\":[\"Message Clicked\"]}",
                "secret", "{\"url\":\"https://example.com/x\",\"secret\":\"hunter2\"}",
                "headers", "{\"url\":\"https://example.com/x\",\"headers\":{\"X-A\":\"a\\r\\nInjected: 1\"}}");
        cases.forEach((field, body) -> {
            Answer answer = client.post("/api/v1/subscriptions", body);
            assertThat(answer.status()).as(field).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            assertThat(answer.json().get("field").asText()).isEqualTo(field);
        });
        assertThat(client.post("/api/v1/subscriptions", "{\"url\":\"https://example.com/x\",\"headers\":{\"webhook-id\":\"x\"}}").status()).isEqualTo(400);
        assertThat(client.post("/api/v1/subscriptions", "[]").status()).isEqualTo(400);
    }

    @Test
    void subscriptionCanBeReadUpdatedPausedAndDeleted() {
        String id = subscribe("{\"url\":\"https://example.com/a\",\"types\":[\"contact.*\"],\"tenants\":[\"nobody\"]}").get("id").asText();
        assertThat(client.get("/api/v1/subscriptions").json().get("items").toString()).contains(id);

        var put = new WebhookClient(port).send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + id))
                .header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"url\":\"https://example.com/b\",\"types\":[\"message.*\"],\"tenants\":[\"nobody\"]}")));
        assertThat(put.status()).isEqualTo(200);
        ObjectNode updated = (ObjectNode) client.get("/api/v1/subscriptions/" + id).json();
        assertThat(updated.get("url").asText()).isEqualTo("https://example.com/b");
        assertThat(updated.get("types").toString()).isEqualTo("[\"message.*\"]");

        assertThat(client.post("/api/v1/subscriptions/" + id + "/pause", "").json().get("paused").asBoolean()).isTrue();
        assertThat(client.post("/api/v1/subscriptions/" + id + "/resume", "").json().get("paused").asBoolean()).isFalse();

        var delete = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + id)).DELETE());
        assertThat(delete.status()).isEqualTo(204);
        assertThat(client.get("/api/v1/subscriptions/" + id).status()).isEqualTo(404);
    }

    @Test
    void subscriptionsDeclaredInConfigurationAreLoadedAtStart() {
        JsonNode declared = client.get("/api/v1/subscriptions/declared-crm").json();
        assertThat(declared.get("url").asText()).isEqualTo("http://127.0.0.1:9/declared");
        assertThat(declared.get("types").toString()).isEqualTo("[\"contact.*\"]");
    }

    @Test
    void deliveryOutcomesAreCountedOnPrometheus() {
        TestReceiver receiver = receiver();
        String tenant = tenant();
        String subId = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        postClick(tenant);
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(client.get("/actuator/prometheus").body())
                .contains("tributary_delivery_attempts_total{outcome=\"succeeded\",subscription=\"" + subId + "\"}")
                .contains("tributary_delivery_duration_seconds_count{subscription=\"" + subId + "\"}"));
    }

    @Test
    void aTestEventGoesSignedToItsSubscriptionAloneAndIsStoredWithItsAttempts() throws Exception {
        TestReceiver target = receiver();
        TestReceiver bystander = receiver();
        JsonNode sub = subscribe("{\"url\":\"%s\",\"types\":[\"contact.*\"]}".formatted(target.url()));
        String bystanderId = subscribe("{\"url\":\"%s\"}".formatted(bystander.url())).get("id").asText();

        Answer sent = client.post("/api/v1/subscriptions/" + sub.get("id").asText() + "/test", "");
        assertThat(sent.status()).as(sent.body()).isEqualTo(202);
        String key = sent.json().get("event").asText();

        await().atMost(WAIT).until(() -> target.received().size() == 1);
        Received r = target.received().get(0);
        verifySignature(sub.get("secret").asText(), r);
        assertThat(r.header("webhook-id")).isEqualTo(key);
        CloudEvent event = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(r.body());
        assertThat(event.getType()).isEqualTo("tributary.subscription.test");
        await().atMost(WAIT).until(() -> client.get("/api/v1/events/" + key + "/deliveries").json().at("/items/0/status").asText()
                .equals("SUCCEEDED"));
        assertThat(bystander.received()).as("only the subscription tested gets its test event").isEmpty();
        client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + bystanderId)).DELETE());
        assertThat(client.post("/api/v1/subscriptions/sub_nope/test", "").status()).isEqualTo(404);
    }

    @Test
    void healthShowsAFailingSubscriptionAndAResumeSendsItsDeadLettersAndWhatWasHeld() {
        TestReceiver receiver = receiver().answering(n -> Reply.of(500));
        String tenant = tenant();
        String sub = subscribe("{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant)).get("id").asText();
        postClick(tenant);
        postClick(tenant);
        await().atMost(WAIT).until(() -> health(sub).get("deadLetters").asInt() == 2);
        JsonNode failing = health(sub);
        assertThat(failing.get("exhausted").asInt()).isEqualTo(2);
        assertThat(failing.get("successRate").asDouble()).isEqualTo(0.0);
        assertThat(failing.get("consecutiveFailures").asInt()).isEqualTo(8);

        client.post("/api/v1/subscriptions/" + sub + "/pause", "");
        receiver.answering(n -> Reply.of(200));
        postClick(tenant);
        await().atMost(WAIT).until(() -> health(sub).get("held").asInt() == 1);

        Answer resumed = client.post("/api/v1/subscriptions/" + sub + "/resume?replayDeadLetters=true", "");
        assertThat(resumed.json().get("replayed").asInt()).isEqualTo(2);
        assertThat(resumed.json().get("released").asInt()).isEqualTo(1);
        await().atMost(WAIT).until(() -> receiver.received().stream().filter(r -> r.header("webhook-id") != null)
                .map(r -> r.header("webhook-id")).distinct().count() == 3 && health(sub).get("succeeded").asInt() == 3);
        JsonNode healthy = health(sub);
        assertThat(healthy.get("deadLetters").asInt()).isZero();
        assertThat(healthy.get("held").asInt()).isZero();
        assertThat(healthy.get("consecutiveFailures").asInt()).isZero();
        assertThat(healthy.get("successRate").asDouble()).as("the replayed deliveries succeeded in the end").isEqualTo(1.0);
    }

    private JsonNode health(String subscription) {
        return client.get("/api/v1/subscriptions/" + subscription).json().get("health");
    }

    @Test
    void theLiveCheckSaysWhetherADraftGetsAnEventAndWhatItsFilterGave() {
        String event = "{\"type\":\"message.clicked\",\"provider\":\"mailstand\",\"tenant\":\"t1\",\"data\":{\"n\":3}}";
        JsonNode yes = client.post("/api/v1/subscriptions/check",
                "{\"subscription\":{\"types\":[\"message.*\"],\"filter\":\"data.n > 2\"},\"event\":" + event + "}").json();
        assertThat(yes.get("matches").asBoolean()).isTrue();
        assertThat(yes.get("filterResult").asBoolean()).isTrue();
        JsonNode no = client.post("/api/v1/subscriptions/check",
                "{\"subscription\":{\"filter\":\"data.n > 5\"},\"event\":" + event + "}").json();
        assertThat(no.get("matches").asBoolean()).isFalse();
        assertThat(no.get("attributes").asBoolean()).isTrue();
        JsonNode otherTenant = client.post("/api/v1/subscriptions/check",
                "{\"subscription\":{\"tenants\":[\"t2\"],\"filter\":\"data.n > 2\"},\"event\":" + event + "}").json();
        assertThat(otherTenant.get("matches").asBoolean()).isFalse();
        assertThat(otherTenant.get("attributes").asBoolean()).isFalse();
        Answer broken = client.post("/api/v1/subscriptions/check", "{\"subscription\":{\"filter\":\"data.n >\"},\"event\":" + event + "}");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.contentType()).startsWith("application/problem+json");

        String sample = client.get("/api/v1/samples").json().at("/items/0/name").asText();
        assertThat(sample).contains("/");
        Answer onSample = client.post("/api/v1/subscriptions/check", "{\"subscription\":{},\"sample\":\"" + sample + "\"}");
        assertThat(onSample.json().get("matches").asBoolean()).as(onSample.body()).isTrue();
        assertThat(client.post("/api/v1/subscriptions/check", "{\"subscription\":{},\"sample\":\"none/such\"}").status()).isEqualTo(400);
    }

    @Test
    void aSubscriptionReadAndWrittenBackKeepsItsRedactedCredentialHeader() {
        TestReceiver receiver = receiver();
        String sub = subscribe("{\"url\":\"%s\",\"types\":[\"contact.*\"],\"headers\":{\"Authorization\":\"Bearer s3cret\",\"X-Team\":\"growth\"}}"
                .formatted(receiver.url())).get("id").asText();
        JsonNode read = client.get("/api/v1/subscriptions/" + sub).json();
        assertThat(read.at("/headers/Authorization").asText()).isEqualTo("********");
        ObjectNode back = (ObjectNode) read.deepCopy();
        ((ObjectNode) back.get("headers")).put("X-Team", "retention");
        back.remove(List.of("secret", "health", "id", "createdAt", "updatedAt", "pausedReason"));
        Answer saved = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(client.base() + "/api/v1/subscriptions/" + sub))
                .header("Content-Type", "application/json").PUT(java.net.http.HttpRequest.BodyPublishers.ofString(back.toString())));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);

        client.post("/api/v1/subscriptions/" + sub + "/test", "");
        await().atMost(WAIT).until(() -> receiver.received().size() == 1);
        assertThat(receiver.received().get(0).header("authorization")).isEqualTo("Bearer s3cret");
        assertThat(receiver.received().get(0).header("x-team")).isEqualTo("retention");
        assertThat(client.get("/api/v1/subscriptions/" + sub).json().get("types").toString()).as("the rest kept too").contains("contact.*");
    }
}
