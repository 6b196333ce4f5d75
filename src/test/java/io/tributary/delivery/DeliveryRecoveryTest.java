package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.tributary.ingest.EventKeys;
import io.tributary.TestReceiver;
import io.tributary.TestReceiver.Received;
import io.tributary.TestReceiver.Reply;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoredEvent;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * The database is the record: a retry due later than the short-retry horizon waits in the database,
 * not in memory, and goes out at its time; a delivery that its member dropped after its commit, or
 * that a departed member held, is worked again within a recovery interval.
 */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.delivery.retry-schedule=0s,3s",
        "tributary.delivery.jitter=0",
        "tributary.delivery.short-retry-horizon=1s",
        "tributary.delivery.recovery-interval=1s",
        "tributary.delivery.lease=60s"})
class DeliveryRecoveryTest {

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    InFlight inFlight;
    @Autowired
    EventStore events;
    @Autowired
    HazelcastInstance hazelcast;
    @Autowired
    org.springframework.scheduling.TaskScheduler scheduler;
    @Autowired
    DeliveryRecovery recovery;

    WebhookClient client;
    TestReceiver receiver;

    @BeforeEach
    void start() {
        client = new WebhookClient(port);
        receiver = new TestReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    private String subscribe(String tenant) {
        return client.post("/api/v1/subscriptions", "{\"url\":\"%s\",\"tenants\":[\"%s\"]}".formatted(receiver.url(), tenant))
                .json().get("id").asText();
    }

    @Test
    void aRetryDueLaterWaitsInTheDatabaseNotInMemoryAndGoesOutAtItsTime() {
        receiver.answering(n -> Reply.of(n == 1 ? 500 : 200));
        String tenant = "t-" + UUID.randomUUID();
        String subId = subscribe(tenant);
        String id = "evt_" + UUID.randomUUID();
        assertThat(client.post("/webhooks/mailstand/demo", """
                {"id":"%s","type":"click","workspace_id":"%s","to":"contact_1","created_at":1654703617}""".formatted(id, tenant))
                .status()).isEqualTo(202);
        String deliveryId = EventKeys.of("mailstand", "demo", id) + "/" + subId;

        await().atMost(Duration.ofSeconds(10)).until(() -> "RETRY_SCHEDULED".equals(status(deliveryId)));
        assertThat(inFlight.holds(deliveryId)).as("parked: no exchange, nothing in memory").isFalse();
        assertThat(jdbc.queryForObject("SELECT lease_owner FROM tributary_delivery WHERE id = ?", String.class, deliveryId))
                .as("released for whichever member finds it due").isNull();

        await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 2);
        List<Received> got = receiver.received();
        assertThat(Duration.between(got.get(0).at(), got.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(deliveryId)));
        assertThat(inFlight.holds(deliveryId)).isFalse();
    }

    @Test
    void aScheduledJobThatHangsDoesNotStopTheRecoveryPass() {
        // As an hourly retention purge stuck on a slow database: the recovery pass still runs beside it.
        java.util.concurrent.CountDownLatch stuck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        scheduler.schedule(() -> {
            running.countDown();
            try {
                stuck.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Instant.now());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);
            String deliveryId = strandedDelivery(hazelcast.getCluster().getLocalMember().getUuid().toString(), Duration.ofSeconds(60));
            await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(deliveryId)));
        } finally {
            stuck.countDown();
        }
    }

    @Test
    void atStartWhatWasHeldForAPauseThatIsNoLongerGoesOutAndWhatTheFilterHeldStays() {
        // As after a restart that unpaused a declared subscription paused by hand: its deliveries are still held.
        String pauseHeld = strandedDelivery(null, Duration.ZERO);
        jdbc.update("UPDATE tributary_delivery SET held = TRUE, claim = 0 WHERE id = ?", pauseHeld);
        String filterHeld = strandedDelivery(null, Duration.ZERO);
        jdbc.update("UPDATE tributary_delivery SET held = TRUE, claim = 0, held_reason = 'filter failed: x' WHERE id = ?", filterHeld);

        recovery.started();

        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(pauseHeld)));
        assertThat(jdbc.queryForObject("SELECT held FROM tributary_delivery WHERE id = ?", Boolean.class, filterHeld))
                .as("held by its filter: only a resume sends it").isTrue();
    }

    @Test
    void aDeliveryItsOwnMemberDroppedAfterTheCommitIsWorkedAgain() {
        // As when the request failed after its event's commit: the store says this member holds it,
        // with the minute's lease a new event's deliveries get, but nothing here works on it. It is
        // taken back at the next pass (a second here), not when the lease runs out.
        String deliveryId = strandedDelivery(hazelcast.getCluster().getLocalMember().getUuid().toString(), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
        assertThat(receiver.received().get(0).header("webhook-id")).isEqualTo(deliveryId.substring(0, deliveryId.indexOf('/')));
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(deliveryId)));
    }

    @Test
    void aDeliveryADepartedMemberHeldIsTakenOverAtOnce() {
        String deliveryId = strandedDelivery(UUID.randomUUID().toString(), Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "SUCCEEDED".equals(status(deliveryId)));
        assertThat(jdbc.queryForObject("SELECT claim FROM tributary_delivery WHERE id = ?", Integer.class, deliveryId))
                .as("claimed once more").isEqualTo(2);
    }

    /** An accepted event and its unsettled delivery, leased to {@code owner} for {@code lease}, in no one's memory. */
    private String strandedDelivery(String owner, Duration lease) {
        String tenant = "t-" + UUID.randomUUID();
        String subId = subscribe(tenant);
        String id = "evt_" + UUID.randomUUID();
        var event = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("specversion", "1.0").put("id", id)
                .put("source", "/providers/mailstand/demo").put("type", "message.clicked").put("provider", "mailstand")
                .put("tenant", tenant).put("time", "2022-06-08T15:53:37Z");
        assertThat(events.saveNew(new StoredEvent(id, event, new ReceivedPayload("mailstand", "demo", null, Instant.now(), Map.of(), "{}")),
                Companions.NONE)).isTrue();
        String deliveryId = id + "/" + subId;
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at,"
                + " next_attempt_at, claim, lease_owner, lease_until) VALUES (?, ?, ?, 'PENDING', FALSE, 0, ?, ?, 1, ?, ?)",
                deliveryId, id, subId, now, now, owner, Timestamp.from(Instant.now().plus(lease)));
        return deliveryId;
    }

    private String status(String deliveryId) {
        List<String> found = jdbc.queryForList("SELECT status FROM tributary_delivery WHERE id = ?", String.class, deliveryId);
        return found.isEmpty() ? null : found.get(0);
    }
}
