package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * V3 upgrades a database of the key-value era: every row of {@code tributary_entry}, written as the
 * old version wrote it (JSON by Spring Boot's ObjectMapper), lands in its new table with every
 * column right, and {@code tributary_entry} is gone. On an H2 file and, where CI provides one, on
 * PostgreSQL.
 */
class EntriesMigrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Columns compared as JSON trees (the migration writes them anew); every other one as it is. */
    private static final Set<String> JSON_COLUMNS = Set.of("canonical", "headers", "subscription");

    /** The event's own time. */
    private static final Instant T0 = Instant.parse("2026-11-20T10:15:29Z");
    /** receivedAt, in microseconds: recorded_at comes from it, not from the canonical recordedtime (milliseconds). */
    private static final Instant RECEIVED = Instant.parse("2026-11-20T10:15:30.123456Z");
    /** tributary_entry.updated_at of every old row. */
    private static final Instant ROW_WRITTEN = Instant.parse("2026-11-25T08:00:00Z");

    private static final String SUBJECT = "s".repeat(150) + "t".repeat(150);
    private static final String BODY = "{\"event\":\"contact.updated\",\"contact\":{\"id\":\"c-42\",\"name\":\"Zoë ✓\"}}";

    private static final String EVENT = """
            {"specversion":"1.0","id":"evt-1","source":"/providers/acme/main","type":"contact.updated",\
            "subject":"%s","time":"2026-11-20T10:15:29Z","datacontenttype":"application/json","provider":"acme",\
            "providerevent":"contact.updated","tenant":"tenant-a","recordedtime":"2026-11-20T10:15:30.123Z",\
            "data":{"contact":{"id":"c-42","name":"Zoë ✓"},"score":1.5}}""".formatted(SUBJECT);
    private static final String HEADERS = "{\"content-type\":\"application/json\",\"x-acme-signature\":\"[redacted]\"}";

    private static final String SUBSCRIPTION = """
            {"id":"sub-1","url":"https://hooks.example.com/in","types":["contact.*"],"providers":[],"tenants":[],\
            "filter":null,"secrets":[{"secret":"whsec_dGVzdC1zZWNyZXQtbm90LXJlYWw=","expiresAt":null}],\
            "format":"structured","headers":{"x-team":"crm"},"paused":true,"pausedReason":"manual",\
            "createdAt":"2026-11-01T09:00:00Z","updatedAt":"2026-11-19T17:30:00.5Z"}""";
    /** As a dead letter kept it: secrets left out. */
    private static final String SUBSCRIPTION_SEEN = """
            {"id":"sub-3","url":"https://down.example.com/in","types":[],"providers":["acme"],"tenants":[],\
            "filter":null,"format":"binary","headers":{},"paused":false,"pausedReason":null,\
            "createdAt":"2026-11-01T09:00:00Z","updatedAt":"2026-11-01T09:00:00Z"}""";

    @TempDir
    Path dir;

    static Stream<Arguments> databases() {
        return Stream.concat(Stream.of(Arguments.of("h2", null)),
                PostgresDatabases.fresh().stream().map(pg -> Arguments.of("postgresql", pg)));
    }

    /** Every map the old version wrote, as it wrote them. */
    private static List<String[]> oldRows() {
        String succeeded = """
                {"id":"evt-1/sub-1","eventId":"evt-1","subscriptionId":"sub-1","status":"SUCCEEDED","held":false,\
                "createdAt":"2026-11-20T10:15:30.200Z","nextAttemptAt":null,"attempts":[\
                {"number":1,"at":"2026-11-20T10:15:30.250Z","status":200,"responseDurationMs":85,"response":"ok",\
                "error":null,"nextAttemptAt":null}],"dispatch":1,"owner":"member-a"}""";
        String retrying = """
                {"id":"evt-1/sub-2","eventId":"evt-1","subscriptionId":"sub-2","status":"RETRY_SCHEDULED","held":false,\
                "createdAt":"2026-11-20T10:15:30.200Z","nextAttemptAt":"2026-11-20T10:20:31Z","attempts":[\
                {"number":1,"at":"2026-11-20T10:15:30.300Z","status":503,"responseDurationMs":40,"response":"busy",\
                "error":null,"nextAttemptAt":"2026-11-20T10:16:30.300Z"},\
                {"number":2,"at":"2026-11-20T10:16:31Z","status":null,"responseDurationMs":10000,"response":null,\
                "error":"connect timed out","nextAttemptAt":"2026-11-20T10:20:31Z"}],"dispatch":3,"owner":"member-b"}""";
        String sending = """
                {"id":"evt-2/sub-1","eventId":"evt-2","subscriptionId":"sub-1","status":"SENDING","held":false,\
                "createdAt":"2026-11-21T12:00:00Z","nextAttemptAt":null,"attempts":[],"dispatch":1,"owner":"member-a"}""";
        String held = """
                {"id":"evt-2/sub-2","eventId":"evt-2","subscriptionId":"sub-2","status":"PENDING","held":true,\
                "createdAt":"2026-11-21T12:00:00Z","nextAttemptAt":"2026-11-21T12:00:00Z","attempts":[],"dispatch":0,"owner":null}""";
        String exhaustedAttempts = """
                [{"number":1,"at":"2026-11-20T10:15:31Z","status":500,"responseDurationMs":12,"response":"boom",\
                "error":null,"nextAttemptAt":"2026-11-20T10:16:31Z"},\
                {"number":2,"at":"2026-11-20T10:16:32Z","status":null,"responseDurationMs":3,"response":null,\
                "error":"connection refused","nextAttemptAt":null}]""";
        String exhausted = """
                {"id":"evt-1/sub-3","eventId":"evt-1","subscriptionId":"sub-3","status":"EXHAUSTED","held":false,\
                "createdAt":"2026-11-20T10:15:30.200Z","nextAttemptAt":null,"attempts":%s,"dispatch":2,"owner":"member-a"}"""
                .formatted(exhaustedAttempts);
        String deadLetter = """
                {"id":"evt-1/sub-3","subscriptionId":"sub-3","eventId":"evt-1","deadAt":"2026-11-20T10:16:32.010Z",\
                "delivery":%s,"event":%s,"subscription":%s}""".formatted(exhausted, EVENT, SUBSCRIPTION_SEEN);
        // A dead letter whose delivery row is gone: it brings its own, from its embedded copy.
        String orphanDelivery = """
                {"id":"evt-2/sub-3","eventId":"evt-2","subscriptionId":"sub-3","status":"EXHAUSTED","held":false,\
                "createdAt":"2026-11-21T12:00:00Z","nextAttemptAt":null,"attempts":[\
                {"number":1,"at":"2026-11-21T12:00:01Z","status":502,"responseDurationMs":7,"response":"bad gateway",\
                "error":null,"nextAttemptAt":null}],"dispatch":1,"owner":"member-c"}""";
        String orphanDeadLetter = """
                {"id":"evt-2/sub-3","subscriptionId":"sub-3","eventId":"evt-2","deadAt":"2026-11-21T12:00:01.500Z",\
                "delivery":%s,"event":null,"subscription":null}""".formatted(orphanDelivery);
        String event = """
                {"id":"evt-1","event":%s,"received":{"provider":"acme","sourceId":"main","eventKey":"contact.updated",\
                "receivedAt":"2026-11-20T10:15:30.123456Z","headers":%s,"body":%s}}"""
                .formatted(EVENT, HEADERS, quoted(BODY));
        // Written with dates as epoch seconds (as Jackson does with WRITE_DATES_AS_TIMESTAMPS), no time, no event key.
        String bareEvent = """
                {"id":"evt-2","event":{"specversion":"1.0","id":"evt-2","source":"/providers/acme/eu","type":"deal.won",\
                "provider":"acme","recordedtime":"2026-11-21T11:59:59.499Z","data":{}},\
                "received":{"provider":"acme","sourceId":"eu","eventKey":null,"receivedAt":1795262399.499123000,\
                "headers":{},"body":"{}"}}""";
        // receivedAt in epoch milliseconds; a provider event longer than its column
        String quarantine = """
                {"id":"q-1","reason":"unmapped","providerEvent":"%s","detail":"no mapping for ticket.merged",\
                "tenant":"tenant-a","received":{"provider":"acme","sourceId":"main","eventKey":"ticket.merged",\
                "receivedAt":1795336200001,"headers":%s,"body":"not json at all"}}"""
                .formatted("p".repeat(250), HEADERS);
        return List.of(
                new String[] {"tributary-subscriptions", "sub-1", SUBSCRIPTION},
                new String[] {"tributary-events", "evt-1", event},
                new String[] {"tributary-events", "evt-2", bareEvent},
                new String[] {"tributary-quarantine", "q-1", quarantine},
                new String[] {"tributary-deliveries", "evt-1/sub-1", succeeded},
                new String[] {"tributary-deliveries", "evt-1/sub-2", retrying},
                new String[] {"tributary-deliveries", "evt-2/sub-1", sending},
                new String[] {"tributary-deliveries", "evt-2/sub-2", held},
                new String[] {"tributary-deliveries", "evt-1/sub-3", exhausted},
                new String[] {"tributary-dead-letters", "evt-1/sub-3", deadLetter},
                new String[] {"tributary-dead-letters", "evt-2/sub-3", orphanDeadLetter},
                new String[] {"tributary-subscription-failures", "sub-2", "2"},
                new String[] {"tributary-legacy", "x", "{}"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void movesEveryEntryIntoItsTableAndDropsTheOldOne(String name, PostgresDatabases.Database pg) throws Exception {
        PostgresDatabases.Database db = database(name, pg);
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).target("1").load().migrate();
        insert(db, oldRows());

        ListAppender<ILoggingEvent> logged = capture();
        try {
            Flyway.configure().dataSource(db.url(), db.user(), db.password()).load().migrate();
        } finally {
            release(logged);
        }

        try (Connection c = connect(db)) {
            assertThat(rows(c, "SELECT * FROM tributary_subscription")).containsExactly(columns(
                    "id", "sub-1",
                    "url", "https://hooks.example.com/in",
                    "paused", true,
                    "created_at", Instant.parse("2026-11-01T09:00:00Z"),
                    "updated_at", Instant.parse("2026-11-19T17:30:00.5Z"),
                    "definition", SUBSCRIPTION));

            assertThat(rows(c, "SELECT * FROM tributary_event ORDER BY id")).containsExactly(
                    columns(
                            "id", "evt-1",
                            "source", "/providers/acme/main",
                            "provider", "acme",
                            "source_id", "main",
                            "provider_event", "contact.updated",
                            "type", "contact.updated",
                            "tenant", "tenant-a",
                            "subject", "s".repeat(150) + "t".repeat(50),
                            "event_time", T0,
                            "recorded_at", RECEIVED,
                            "event_key", "contact.updated",
                            "canonical", JSON.readTree(EVENT),
                            "payload", BODY,
                            "headers", JSON.readTree(HEADERS)),
                    columns(
                            "id", "evt-2",
                            "source", "/providers/acme/eu",
                            "provider", "acme",
                            "source_id", "eu",
                            "provider_event", null,
                            "type", "deal.won",
                            "tenant", null,
                            "subject", null,
                            "event_time", null,
                            "recorded_at", Instant.parse("2026-11-21T11:59:59.499123Z"),
                            "event_key", null,
                            "canonical", JSON.readTree("{\"specversion\":\"1.0\",\"id\":\"evt-2\",\"source\":\"/providers/acme/eu\","
                                    + "\"type\":\"deal.won\",\"provider\":\"acme\",\"recordedtime\":\"2026-11-21T11:59:59.499Z\",\"data\":{}}"),
                            "payload", "{}",
                            "headers", JSON.readTree("{}")));
            assertThat(JSON.readTree(text(c, "SELECT canonical FROM tributary_event WHERE id = 'evt-1'")).get("subject").asText())
                    .as("the canonical event keeps the whole subject").isEqualTo(SUBJECT);

            assertThat(rows(c, "SELECT * FROM tributary_quarantine")).containsExactly(columns(
                    "id", "q-1",
                    "provider", "acme",
                    "source_id", "main",
                    "event_key", "ticket.merged",
                    "provider_event", "p".repeat(200),
                    "reason", "unmapped",
                    "detail", "no mapping for ticket.merged",
                    "tenant", "tenant-a",
                    "received_at", Instant.parse("2026-11-22T08:30:00.001Z"),
                    "payload", "not json at all",
                    "headers", JSON.readTree(HEADERS)));

            assertThat(rows(c, "SELECT * FROM tributary_delivery ORDER BY id")).containsExactly(
                    delivery("evt-1/sub-1", "evt-1", "sub-1", "SUCCEEDED", false, 1, "2026-11-20T10:15:30.200Z",
                            null, "2026-11-20T10:15:30.250Z", 1),
                    delivery("evt-1/sub-2", "evt-1", "sub-2", "RETRY_SCHEDULED", false, 2, "2026-11-20T10:15:30.200Z",
                            "2026-11-20T10:20:31Z", null, 3),
                    delivery("evt-1/sub-3", "evt-1", "sub-3", "EXHAUSTED", false, 2, "2026-11-20T10:15:30.200Z",
                            null, "2026-11-20T10:16:32Z", 2),
                    // SENDING, with no time of its own: PENDING, due at once
                    delivery("evt-2/sub-1", "evt-2", "sub-1", "PENDING", false, 0, "2026-11-21T12:00:00Z",
                            "2026-11-21T12:00:00Z", null, 1),
                    delivery("evt-2/sub-2", "evt-2", "sub-2", "PENDING", true, 0, "2026-11-21T12:00:00Z",
                            "2026-11-21T12:00:00Z", null, 0),
                    // from the dead letter's copy
                    delivery("evt-2/sub-3", "evt-2", "sub-3", "EXHAUSTED", false, 1, "2026-11-21T12:00:00Z",
                            null, "2026-11-21T12:00:01Z", 1));

            assertThat(rows(c, "SELECT delivery_id, attempt_number, attempted_at, status, response_duration_ms, response, error,"
                    + " next_attempt_at FROM tributary_attempt ORDER BY delivery_id, attempt_number")).containsExactly(
                    attempt("evt-1/sub-1", 1, "2026-11-20T10:15:30.250Z", 200, 85, "ok", null, null),
                    attempt("evt-1/sub-2", 1, "2026-11-20T10:15:30.300Z", 503, 40, "busy", null, "2026-11-20T10:16:30.300Z"),
                    attempt("evt-1/sub-2", 2, "2026-11-20T10:16:31Z", null, 10000, null, "connect timed out", "2026-11-20T10:20:31Z"),
                    attempt("evt-1/sub-3", 1, "2026-11-20T10:15:31Z", 500, 12, "boom", null, "2026-11-20T10:16:31Z"),
                    attempt("evt-1/sub-3", 2, "2026-11-20T10:16:32Z", null, 3, null, "connection refused", null),
                    attempt("evt-2/sub-3", 1, "2026-11-21T12:00:01Z", 502, 7, "bad gateway", null, null));
            assertThat(longValue(c, "SELECT COUNT(DISTINCT id) FROM tributary_attempt")).as("each attempt its own id").isEqualTo(6);

            assertThat(rows(c, "SELECT * FROM tributary_dead_letter ORDER BY id")).containsExactly(
                    columns(
                            "id", "evt-1/sub-3",
                            "event_id", "evt-1",
                            "subscription_id", "sub-3",
                            "dead_at", Instant.parse("2026-11-20T10:16:32.010Z"),
                            "reason", "connection refused",
                            "subscription", JSON.readTree(SUBSCRIPTION_SEEN)),
                    columns(
                            "id", "evt-2/sub-3",
                            "event_id", "evt-2",
                            "subscription_id", "sub-3",
                            "dead_at", Instant.parse("2026-11-21T12:00:01.500Z"),
                            "reason", "HTTP 502",
                            "subscription", null));

            assertThatThrownBy(() -> rows(c, "SELECT * FROM tributary_entry")).as("tributary_entry is dropped")
                    .isInstanceOf(SQLException.class);
        }

        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).contains(
                "V3: 1 rows of tributary-subscriptions moved to tributary_subscription",
                "V3: 2 rows of tributary-events moved to tributary_event",
                "V3: 1 rows of tributary-quarantine moved to tributary_quarantine",
                "V3: 5 rows of tributary-deliveries moved to tributary_delivery, with 5 attempts to tributary_attempt",
                "V3: 2 rows of tributary-dead-letters moved to tributary_dead_letter; 1 of them brought their delivery, absent from tributary-deliveries",
                "V3: 1 rows of tributary-subscription-failures not migrated: the failure counts are kept in memory now",
                "V3: 1 rows of map 'tributary-legacy' not migrated: this version does not know that map");
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).as("in Flyway's transaction, so PostgreSQL streams")
                .noneMatch(m -> m.contains("autocommit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anUnreadableRowFailsTheUpgradeNamingItAndMovesNothing(String name, PostgresDatabases.Database pg) throws Exception {
        PostgresDatabases.Database db = database(name, pg);
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).target("1").load().migrate();
        List<String[]> rows = new ArrayList<>(oldRows());
        rows.add(new String[] {"tributary-deliveries", "evt-9/sub-1", "{\"id\":\"evt-9/sub-1\",\"eventId\":\"evt-9\",\"status\":"});
        insert(db, rows);

        Flyway flyway = Flyway.configure().dataSource(db.url(), db.user(), db.password()).load();
        ListAppender<ILoggingEvent> logged = capture();
        try {
            assertThatThrownBy(flyway::migrate).hasStackTraceContaining(
                    "V3 cannot migrate the entry 'evt-9/sub-1' of map 'tributary-deliveries': its value is not readable JSON");
        } finally {
            release(logged);
        }
        assertThat(logged.list).as("said plainly in the log, not only as the cause of Flyway's \"Migration failed !\"")
                .anySatisfy(e -> assertThat(e.getFormattedMessage())
                        .startsWith("V3 cannot migrate the entry 'evt-9/sub-1' of map 'tributary-deliveries'"));

        try (Connection c = connect(db)) {
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_entry")).as("the old rows are all still there").isEqualTo(rows.size());
            for (String table : List.of("tributary_event", "tributary_quarantine", "tributary_subscription", "tributary_delivery",
                    "tributary_attempt", "tributary_dead_letter")) {
                assertThat(longValue(c, "SELECT COUNT(*) FROM " + table)).as("nothing moved to " + table).isZero();
            }
            // H2 cannot roll back DDL, so Flyway records the failed V3; PostgreSQL rolls it back with the rest
            assertThat(longValue(c, "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '3'"))
                    .isEqualTo(name.equals("h2") ? 1 : 0);
            // the operator deletes the bad row and, as the log says, that record, and starts again
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM tributary_entry WHERE entry_key = 'evt-9/sub-1'")) {
                delete.executeUpdate();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '3'")) {
                delete.executeUpdate();
            }
        }
        flyway.migrate();
        try (Connection c = connect(db)) {
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_delivery")).isEqualTo(6);
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_event")).isEqualTo(2);
        }
    }

    /** More rows than one batch, one fetch and one dead-letter chunk hold: every one arrives, none twice. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void movesMoreRowsThanABatchHolds(String name, PostgresDatabases.Database pg) throws Exception {
        PostgresDatabases.Database db = database(name, pg);
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).target("1").load().migrate();
        int n = 1234;
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "evt-" + i;
            rows.add(new String[] {"tributary-events", id, """
                    {"id":"%s","event":{"id":"%s","source":"/providers/acme/main","type":"t","provider":"acme","data":{}},\
                    "received":{"provider":"acme","sourceId":"main","eventKey":null,"receivedAt":"2026-11-20T10:15:30Z",\
                    "headers":{},"body":"{}"}}""".formatted(id, id)});
            String attempt = """
                    {"number":1,"at":"2026-11-20T10:15:31Z","status":500,"responseDurationMs":5,"response":null,\
                    "error":null,"nextAttemptAt":null}""";
            String delivery = """
                    {"id":"%s/sub-1","eventId":"%s","subscriptionId":"sub-1","status":"EXHAUSTED","held":false,\
                    "createdAt":"2026-11-20T10:15:30Z","nextAttemptAt":null,"attempts":[%s],"dispatch":1,"owner":"m"}"""
                    .formatted(id, id, attempt);
            if (i % 2 == 0) { // the other half's deliveries are gone: their dead letters bring them
                rows.add(new String[] {"tributary-deliveries", id + "/sub-1", delivery});
            }
            rows.add(new String[] {"tributary-dead-letters", id + "/sub-1", """
                    {"id":"%s/sub-1","subscriptionId":"sub-1","eventId":"%s","deadAt":"2026-11-20T10:15:32Z",\
                    "delivery":%s,"event":null,"subscription":null}""".formatted(id, id, delivery)});
        }
        insert(db, rows);

        Flyway.configure().dataSource(db.url(), db.user(), db.password()).load().migrate();

        try (Connection c = connect(db)) {
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_event")).isEqualTo(n);
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_dead_letter WHERE reason = 'HTTP 500'")).isEqualTo(n);
            assertThat(longValue(c, "SELECT COUNT(DISTINCT id) FROM tributary_delivery WHERE status = 'EXHAUSTED'")).isEqualTo(n);
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_delivery")).isEqualTo(n);
            assertThat(longValue(c, "SELECT COUNT(DISTINCT delivery_id) FROM tributary_attempt")).isEqualTo(n);
            assertThat(longValue(c, "SELECT COUNT(*) FROM tributary_attempt")).isEqualTo(n);
        }
    }

    /**
     * PostgreSQL text cannot hold U+0000 (H2's can). In a descriptive copy (a subject, a response excerpt)
     * it becomes U+FFFD, the canonical event keeping it escaped; in a payload it stops the upgrade.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNulCharacterIsReplacedInDescriptiveTextOnPostgresqlAndStopsTheUpgradeInAPayload(String name, PostgresDatabases.Database pg)
            throws Exception {
        PostgresDatabases.Database db = database(name, pg);
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).target("1").load().migrate();
        String event = """
                {"id":"evt-n","event":{"id":"evt-n","source":"/providers/acme/main","type":"t","subject":"c-\\u0000-42",\
                "provider":"acme","data":{}},"received":{"provider":"acme","sourceId":"main","eventKey":null,\
                "receivedAt":"2026-11-20T10:15:30Z","headers":{},"body":"{\\"subject\\":\\"c-\\\\u0000-42\\"}"}}""";
        String delivery = """
                {"id":"evt-n/sub-1","eventId":"evt-n","subscriptionId":"sub-1","status":"RETRY_SCHEDULED","held":false,\
                "createdAt":"2026-11-20T10:15:30Z","nextAttemptAt":"2026-11-20T10:16:30Z","attempts":[\
                {"number":1,"at":"2026-11-20T10:15:31Z","status":500,"responseDurationMs":5,"response":"\\u001f\\u008b\\u0000\\u0000",\
                "error":null,"nextAttemptAt":"2026-11-20T10:16:30Z"}],"dispatch":1,"owner":"member-a"}""";
        String rawNul = """
                {"id":"q-n","reason":"invalid","providerEvent":null,"detail":"x","tenant":null,"received":{"provider":"acme",\
                "sourceId":"main","eventKey":null,"receivedAt":"2026-11-20T10:15:30Z","headers":{},"body":"a\\u0000b"}}""";
        insert(db, List.of(new String[] {"tributary-events", "evt-n", event}, new String[] {"tributary-deliveries", "evt-n/sub-1", delivery},
                new String[] {"tributary-quarantine", "q-n", rawNul}));
        Flyway flyway = Flyway.configure().dataSource(db.url(), db.user(), db.password()).load();
        if (name.equals("postgresql")) {
            assertThatThrownBy(flyway::migrate).hasStackTraceContaining(
                    "V3 cannot migrate the entry 'q-n' of map 'tributary-quarantine': its payload holds a NUL character (U+0000)");
            try (Connection c = connect(db);
                 PreparedStatement delete = c.prepareStatement("DELETE FROM tributary_entry WHERE entry_key = 'q-n'")) {
                delete.executeUpdate();
            }
        }
        flyway.migrate();

        String nul = name.equals("postgresql") ? "\uFFFD" : "\0";
        try (Connection c = connect(db)) {
            assertThat(text(c, "SELECT subject FROM tributary_event")).isEqualTo("c-" + nul + "-42");
            assertThat(JSON.readTree(text(c, "SELECT canonical FROM tributary_event")).get("subject").asText()).isEqualTo("c-\0-42");
            assertThat(text(c, "SELECT payload FROM tributary_event")).isEqualTo("{\"subject\":\"c-\\u0000-42\"}");
            assertThat(text(c, "SELECT response FROM tributary_attempt")).isEqualTo("\u001f\u008b" + nul + nul);
            if (name.equals("h2")) {
                assertThat(text(c, "SELECT payload FROM tributary_quarantine")).isEqualTo("a\0b");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private PostgresDatabases.Database database(String name, PostgresDatabases.Database pg) {
        return pg != null ? pg : new PostgresDatabases.Database(
                "jdbc:h2:file:" + dir.resolve("tributary") + ";WRITE_DELAY=0;CACHE_SIZE=1024", "sa", "");
    }

    private static Connection connect(PostgresDatabases.Database db) throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    /** Writes rows as the old store did: one per map entry, updated_at bound as a Timestamp. */
    private static void insert(PostgresDatabases.Database db, List<String[]> rows) throws SQLException {
        try (Connection c = connect(db);
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO tributary_entry (map_name, entry_key, entry_value, updated_at) VALUES (?, ?, ?, ?)")) {
            for (String[] row : rows) {
                insert.setString(1, row[0]);
                insert.setString(2, row[1]);
                insert.setString(3, row[2]);
                insert.setTimestamp(4, Timestamp.from(ROW_WRITTEN));
                insert.executeUpdate();
            }
        }
    }

    /** Every row of a query, each as column name (lower case) to value: timestamps as instants, JSON columns as trees. */
    private static List<Map<String, Object>> rows(Connection c, String sql) throws Exception {
        List<Map<String, Object>> all = new ArrayList<>();
        try (PreparedStatement select = c.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnLabel(i).toLowerCase(Locale.ROOT);
                    Object value = rs.getObject(i);
                    if (value instanceof Timestamp t) {
                        value = t.toInstant();
                    } else if (value instanceof String s && JSON_COLUMNS.contains(column)) {
                        value = JSON.readTree(s);
                    }
                    row.put(column, value);
                }
                all.add(row);
            }
        }
        return all;
    }

    private static long longValue(Connection c, String sql) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (PreparedStatement select = c.prepareStatement(sql); ResultSet rs = select.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** name, value, name, value...: a row as {@link #rows} reads it. */
    private static Map<String, Object> columns(Object... pairs) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            row.put((String) pairs[i], pairs[i + 1]);
        }
        return row;
    }

    private static Map<String, Object> delivery(String id, String eventId, String subscriptionId, String status, boolean held,
                                                int attempts, String created, String next, String settled, int claim) {
        return columns("id", id, "event_id", eventId, "subscription_id", subscriptionId, "status", status, "held", held,
                "attempt_count", attempts, "created_at", Instant.parse(created), "next_attempt_at", instant(next),
                "settled_at", instant(settled), "claim", claim, "lease_owner", null, "lease_until", null, "held_reason", null,
                "filter_pending", false);
    }

    private static Map<String, Object> attempt(String deliveryId, int number, String at, Integer status, long durationMs,
                                               String response, String error, String next) {
        return columns("delivery_id", deliveryId, "attempt_number", number, "attempted_at", Instant.parse(at), "status", status,
                "response_duration_ms", durationMs, "response", response, "error", error, "next_attempt_at", instant(next));
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }

    private static String quoted(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("db.migration.V3__entries_to_tables")).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("db.migration.V3__entries_to_tables")).detachAppender(appender);
    }
}
