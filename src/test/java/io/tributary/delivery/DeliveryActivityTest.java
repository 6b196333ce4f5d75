package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.store.PostgresDatabases;
import io.tributary.store.SqlDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the console's charts and health columns read of the deliveries, on H2 and PostgreSQL alike. */
class DeliveryActivityTest {

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("activity");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void settledDeliveriesAreCountedPerMinuteWithTheWaitForTheirFirstAttempt(String name, DataSource db) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        DeliveryStore store = new DeliveryStore(jdbc, null, null, new ObjectMapper(), SqlDialect.of(db));
        // a minute far ahead, so no other test's rows share it
        Instant minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(java.time.Duration.ofDays(500 + new java.util.Random().nextInt(10_000)));
        String sub = "s-" + UUID.randomUUID();
        delivery(jdbc, sub, "SUCCEEDED", minute, 100, minute.plusSeconds(1));
        delivery(jdbc, sub, "SUCCEEDED", minute, 300, minute.plusSeconds(2));
        delivery(jdbc, sub, "EXHAUSTED", minute, 2_000, minute.plusSeconds(30));
        delivery(jdbc, sub, "SUCCEEDED", minute.plusSeconds(60), 50, minute.plusSeconds(61));
        delivery(jdbc, sub, "PENDING", minute, null, null);

        assertThat(store.activity(minute, 60)).containsExactly(
                new DeliveryActivity(minute, 2, 1, 3, (100.0 + 300 + 2_000) / 3, 2_000.0),
                new DeliveryActivity(minute.plusSeconds(60), 1, 0, 1, 50.0, 50.0));
        SubscriptionHealth health = store.health(minute).get(sub);
        assertThat(health.succeeded()).isEqualTo(3);
        assertThat(health.exhausted()).isEqualTo(1);
        assertThat(health.successRate()).isEqualTo(0.75);
        assertThat(health.waiting()).isEqualTo(1);
        assertThat(health.held()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anEventsDeliveriesAreAllOfItsOwnAndNoOneElses(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        DeliveryStore store = new DeliveryStore(jdbc, null, null, new ObjectMapper(), SqlDialect.of(db));
        String event = "evt-" + UUID.randomUUID();
        // ids on either side of the event's own, and one of an event whose id starts with "<event>/"
        for (String id : new String[] {event + "/b", event + "/a", event + "/x/a", event + "0/a", event + "./a", event + "/"}) {
            String eventId = id.substring(0, id.lastIndexOf('/'));
            jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at, claim)"
                    + " VALUES (?, ?, ?, 'PENDING', FALSE, 0, ?, 1)", id, eventId, id.substring(id.lastIndexOf('/') + 1),
                    Timestamp.from(Instant.now()));
        }
        jdbc.update("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status, response_duration_ms)"
                + " VALUES (?, 1, ?, 503, 5)", event + "/a", Timestamp.from(Instant.now()));

        List<DeliveryRecord> deliveries = store.forEvent(event);

        assertThat(deliveries).extracting(DeliveryRecord::id).containsExactly(event + "/", event + "/a", event + "/b");
        assertThat(deliveries.get(1).attempts()).extracting(DeliveryAttempt::status).containsExactly(503);
        // H2 finds them through the primary key and keeps no index on event_id (every index costs each commit)
        try (Connection c = db.getConnection();
             ResultSet indexes = c.getMetaData().getIndexInfo(null, null, name.equals("h2") ? "TRIBUTARY_DELIVERY" : "tributary_delivery", false, false)) {
            List<String> names = new ArrayList<>();
            while (indexes.next()) {
                names.add(String.valueOf(indexes.getString("INDEX_NAME")).toLowerCase(Locale.ROOT));
            }
            assertThat(names.contains("tributary_delivery_event")).isEqualTo(name.equals("postgresql"));
        }
    }

    /** A delivery made at {@code created}, first tried {@code firstAfterMs} later, settled at {@code settled}. */
    private static void delivery(JdbcTemplate jdbc, String sub, String status, Instant created, Integer firstAfterMs, Instant settled) {
        String id = "e-" + UUID.randomUUID() + "/" + sub;
        jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at, settled_at, claim)"
                + " VALUES (?, ?, ?, ?, FALSE, 1, ?, ?, 1)", id, id, sub, status, Timestamp.from(created),
                settled == null ? null : Timestamp.from(settled));
        if (firstAfterMs != null) {
            jdbc.update("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status, response_duration_ms)"
                    + " VALUES (?, 1, ?, 200, 5)", id, Timestamp.from(created.plusMillis(firstAfterMs)));
        }
    }
}
