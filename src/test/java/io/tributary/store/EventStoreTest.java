package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** Events and quarantine in their tables, on H2 and PostgreSQL: what goes in comes back, whatever a payload holds. */
class EventStoreTest {

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("events");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anEventIsStoredOnceWithItsSearchableColumnsAndReadBackWhole(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), JSON);
            String subject = "contact\u0000" + "é".repeat(300) + "\uD83D\uDE00"; // NUL (PostgreSQL refuses it in text), long
            ObjectNode event = JSON.createObjectNode().put("id", "evt_1").put("source", "/providers/mailstand/demo")
                    .put("type", "message.clicked").put("subject", subject).put("time", "2022-06-08T15:53:37Z")
                    .put("provider", "mailstand").put("providerevent", "click").put("tenant", "w1");
            Instant received = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            ReceivedPayload payload = new ReceivedPayload("mailstand", "demo", "key\u0000", received, Map.of("content-type", "application/json"),
                    "{\"to\":\"contact\\u0000\"}");

            assertThat(store.saveNew(new StoredEvent("evt_1", event, payload), Companions.NONE)).isTrue();
            assertThat(store.saveNew(new StoredEvent("evt_1", event, payload), Companions.NONE)).as("the same id again").isFalse();

            StoredEvent back = store.event("evt_1").orElseThrow();
            assertThat(back.event().get("subject").asText()).as("the canonical event keeps it whole").isEqualTo(subject);
            assertThat(back.received().receivedAt()).isEqualTo(received);
            assertThat(back.received().body()).isEqualTo(payload.body());
            assertThat(back.received().headers()).containsEntry("content-type", "application/json");
            Map<String, Object> row = jdbc.queryForMap("SELECT type, provider, tenant, subject, event_time FROM tributary_event WHERE id = 'evt_1'");
            assertThat(row.get("type")).isEqualTo("message.clicked");
            assertThat((String) row.get("subject")).hasSize(200).startsWith("contact\uFFFD");
            assertThat(row.get("event_time").toString()).startsWith("2022-06-08");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aBatchIsOneTransactionEachEventNewOrNotAndAllOrNothing(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), JSON);
            String b = "b-" + java.util.UUID.randomUUID();
            ReceivedPayload payload = new ReceivedPayload("relaymail", "demo", null, Instant.now(), Map.of(), "{}");
            java.util.function.Function<String, StoredEvent> event = id -> new StoredEvent(id,
                    JSON.createObjectNode().put("id", id).put("type", "message.delivered").put("tenant", b), payload);
            java.util.List<Boolean> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            Companions tell = new Companions(List.of(), told::add);
            assertThat(store.saveNew(event.apply(b + ".0"), Companions.NONE)).isTrue();

            boolean[] fresh = store.saveAll(List.of(
                    new EventStore.NewEvent(event.apply(b + ".1"), tell),
                    new EventStore.NewEvent(event.apply(b + ".0"), tell),
                    new EventStore.Quarantine(new QuarantineEntry(b + ".q", "unmapped", "odd", "no type", "demo", payload)),
                    new EventStore.NewEvent(event.apply(b + ".1"), tell)));
            assertThat(fresh).containsExactly(true, false, true, false);
            assertThat(told).as("each event's companions hear its fate").containsExactly(true, false, false);
            assertThat(store.event(b + ".1")).isPresent();
            assertThat(store.quarantined(b + ".q")).isPresent();

            // A statement of the last event fails: the whole batch is refused, the events before it too.
            Companions failing = new Companions(List.of(new Journal.Op("INSERT INTO no_such_table VALUES (1)", s -> { })), told::add);
            assertThatThrownBy(() -> store.saveAll(List.of(
                    new EventStore.NewEvent(event.apply(b + ".2"), tell),
                    new EventStore.Quarantine(new QuarantineEntry(b + ".q2", "unmapped", "odd", "no type", "demo", payload)),
                    new EventStore.NewEvent(event.apply(b + ".3"), failing))));
            assertThat(store.event(b + ".2")).as("nothing of a failed batch is kept").isEmpty();
            assertThat(store.quarantined(b + ".q2")).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> told.size() == 5);
            assertThat(told.subList(3, 5)).as("and its companions hear it").containsExactly(false, false);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aRevisionReplacesTheKeptEventOnlyIfNoOtherCameFirst(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), JSON);
            String key = "r-" + java.util.UUID.randomUUID();
            // a number that does not write out again as it was stored (1.10 is 1.1 to Jackson)
            ObjectNode first = JSON.createObjectNode().put("id", key).put("type", "contact.created").put("subject", "Ann")
                    .put("amount", new java.math.BigDecimal("1.10"));
            store.saveNew(new StoredEvent(key, first, new ReceivedPayload("acme", "demo", null, Instant.now(), Map.of(), "{}")), Companions.NONE);
            ObjectNode second = first.deepCopy().put("subject", "ANN").put("revision", 2);
            java.util.List<Boolean> told = new java.util.ArrayList<>();

            String stored = store.eventPage("acme", null, null, null, null, 1000).stream().filter(k -> k.key().equals(key))
                    .findFirst().orElseThrow().stored();
            assertThat(store.saveRevision(key, stored, second, new Companions(List.of(), told::add))).isTrue();
            assertThat(store.event(key).orElseThrow().event().get("revision").asInt()).isEqualTo(2);
            assertThat(jdbc.queryForObject("SELECT subject FROM tributary_event WHERE id = ?", String.class, key)).isEqualTo("ANN");
            ObjectNode stale = first.deepCopy().put("subject", "Anne").put("revision", 2);
            assertThat(store.saveRevision(key, stored, stale, new Companions(List.of(), told::add))).as("revised meanwhile").isFalse();
            assertThat(told).containsExactly(true, false);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eventsAreSearchedOnTheirColumnsNewestFirstAPageAtATime(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), JSON);
            String tenant = "t-" + java.util.UUID.randomUUID();
            Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            String[] types = {"message.clicked", "message.opened", "contact.created", "messageXclicked", "message.clicked"};
            for (int i = 0; i < types.length; i++) {
                ObjectNode event = JSON.createObjectNode().put("id", "evt_s" + i).put("type", types[i]).put("tenant", tenant)
                        .put("subject", i % 2 == 0 ? "contact_even" : "contact_odd").put("provider", i == 2 ? "dailystory" : "mailstand");
                assertThat(store.saveNew(new StoredEvent(tenant + ".s" + i, event, new ReceivedPayload(i == 2 ? "dailystory" : "mailstand",
                        "demo", null, start.plusSeconds(i), Map.of(), "{}")), Companions.NONE)).isTrue();
            }
            java.util.function.Function<EventQuery, List<String>> keys = q -> store.search(q).stream().map(EventSummary::key).toList();

            assertThat(keys.apply(new EventQuery(null, "message.*", null, null, tenant, null, null, null, null, 10)))
                    .as("a prefix: messageXclicked is not message.*").containsExactly(tenant + ".s4", tenant + ".s1", tenant + ".s0");
            assertThat(keys.apply(new EventQuery(null, "message.clicked", "mailstand", "demo", tenant, "contact_even", null, null, null, 10)))
                    .containsExactly(tenant + ".s4", tenant + ".s0");
            assertThat(keys.apply(new EventQuery(null, null, "dailystory", null, tenant, null, null, null, null, 10)))
                    .containsExactly(tenant + ".s2");
            assertThat(keys.apply(new EventQuery(null, null, null, null, tenant, null, start.plusSeconds(1), start.plusSeconds(3), null, 10)))
                    .as("from included, to excluded").containsExactly(tenant + ".s2", tenant + ".s1");
            assertThat(keys.apply(new EventQuery(List.of(tenant + ".s3", "nope"), null, null, null, null, null, null, null, null, 10)))
                    .containsExactly(tenant + ".s3");

            List<EventSummary> first = store.search(new EventQuery(null, null, null, null, tenant, null, null, null, null, 2));
            List<EventSummary> second = store.search(new EventQuery(null, null, null, null, tenant, null, null, null,
                    EventSummary.Cursor.decode(first.get(1).cursor().encode()), 2));
            List<EventSummary> third = store.search(new EventQuery(null, null, null, null, tenant, null, null, null, second.get(1).cursor(), 2));
            assertThat(java.util.stream.Stream.of(first, second, third).flatMap(List::stream).map(EventSummary::key))
                    .containsExactly(tenant + ".s4", tenant + ".s3", tenant + ".s2", tenant + ".s1", tenant + ".s0");
            assertThat(first.get(0).id()).isEqualTo("evt_s4");
            assertThat(first.get(0).recordedAt()).isEqualTo(start.plusSeconds(4));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void quarantineIsKeptOnceListedNewestFirstAndReleased(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(new JdbcTemplate(db), journal, SqlDialect.of(db), JSON);
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            for (int i = 0; i < 3; i++) {
                store.save(new QuarantineEntry("q" + i, "unmapped", "warmup", "no mapping\u0000", "demo",
                        new ReceivedPayload("mailstand", "demo", null, now.plusSeconds(i), Map.of(), "{}")));
            }
            store.save(new QuarantineEntry("q0", "invalid", "other", "again", "demo",
                    new ReceivedPayload("mailstand", "demo", null, now, Map.of(), "{}")));
            assertThat(store.quarantined(10)).extracting(QuarantineEntry::id).containsExactly("q2", "q1", "q0");
            assertThat(store.quarantined("q0").orElseThrow().reason()).as("the first stays").isEqualTo("unmapped");

            store.requarantine(new QuarantineEntry("q0", "mapping_error", "warmup", "boom", "demo", null));
            assertThat(store.quarantined("q0").orElseThrow().reason()).isEqualTo("mapping_error");
            store.forget("q1");
            assertThat(store.quarantined(10)).extracting(QuarantineEntry::id).isEqualTo(List.of("q2", "q0"));
        }
    }

    /**
     * A commit that lands after its request stopped waiting (the 503 a provider retries) still reports
     * its outcome: the deliveries stored with the event get queued, and a retry answered "duplicate"
     * never finds an event whose deliveries nobody queued. The database is held back by making the
     * journal wait for its connection until the request has given up.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCommitThatOutlivesItsRequestStillReportsThatItCommitted(String name, DataSource db) throws Exception {
        CountDownLatch databaseBack = new CountDownLatch(1);
        DataSource slow = new DelegatingDataSource(db) {
            @Override
            public Connection getConnection() throws SQLException {
                try {
                    databaseBack.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.getConnection();
            }
        };
        try (Journal journal = new Journal(slow, new SimpleMeterRegistry(), Duration.ofMillis(200))) {
            EventStore store = new EventStore(new JdbcTemplate(db), journal, SqlDialect.of(db), JSON);
            ObjectNode event = JSON.createObjectNode().put("id", "evt_late").put("source", "/providers/mailstand/demo")
                    .put("type", "message.opened");
            ReceivedPayload payload = new ReceivedPayload("mailstand", "demo", null, Instant.now(), Map.of(), "{}");
            CompletableFuture<Boolean> committed = new CompletableFuture<>();

            assertThatThrownBy(() -> store.saveNew(new StoredEvent("evt_late", event, payload), new Companions(List.of(), committed::complete)))
                    .isInstanceOf(StoreUnavailable.class);
            assertThat(committed).as("nothing known yet").isNotDone();

            databaseBack.countDown();
            assertThat(committed.get(30, TimeUnit.SECONDS)).as("reported once the late commit lands").isTrue();
            assertThat(store.event("evt_late")).isPresent();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void eventsAreCountedByProviderTypeAndMinuteOfReceipt(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
            EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), JSON);
            // a minute in the future, so no other test's events share it
            Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofDays(400 + new java.util.Random().nextInt(10_000)));
            String run = java.util.UUID.randomUUID().toString();
            Object[][] events = {{"mailstand", "message.clicked", 0}, {"mailstand", "message.clicked", 59}, {"mailstand", "message.opened", 1},
                {"dailystory", "message.clicked", 2}, {"mailstand", "message.clicked", 60}};
            for (int i = 0; i < events.length; i++) {
                ObjectNode event = JSON.createObjectNode().put("id", "a" + i).put("type", (String) events[i][1]);
                assertThat(store.saveNew(new StoredEvent(run + ".a" + i, event, new ReceivedPayload((String) events[i][0], "demo", null,
                        minute.plusSeconds((Integer) events[i][2]).plusMillis(250), Map.of(), "{}")), Companions.NONE)).isTrue();
            }
            List<ActivityCount> counts = store.activity(minute, 60);
            assertThat(counts).containsExactlyInAnyOrder(
                    new ActivityCount(minute, "mailstand", "message.clicked", 2),
                    new ActivityCount(minute, "mailstand", "message.opened", 1),
                    new ActivityCount(minute, "dailystory", "message.clicked", 1),
                    new ActivityCount(minute.plusSeconds(60), "mailstand", "message.clicked", 1));
            assertThat(store.activity(minute.plusSeconds(60), 3600)).containsExactly(
                    new ActivityCount(minute.plusSeconds(60).truncatedTo(ChronoUnit.HOURS), "mailstand", "message.clicked", 1));
        }
    }
}
