package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Retention purges settled history only: what is still retrying or held is kept, with its event. */
class RetentionPurgeTest {

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("purge");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void settledHistoryGoesWhatIsUnsettledStays(String name, DataSource db) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        Timestamp old = Timestamp.from(Instant.now().minus(Duration.ofDays(40)));
        Timestamp recent = Timestamp.from(Instant.now().minus(Duration.ofDays(1)));
        event(jdbc, "old-delivered", old);
        event(jdbc, "old-held", old);
        event(jdbc, "old-retrying", old);
        event(jdbc, "old-dead", old);
        event(jdbc, "old-alone", old);
        event(jdbc, "recent", recent);
        // on H2 an event's deliveries are a range of their ids: "old-x/" to "old-x0" also holds event "old-x/y"'s
        event(jdbc, "old-x", old);
        event(jdbc, "old-x/y", old);
        delivery(jdbc, "old-delivered/s", "SUCCEEDED", false, old, old);
        delivery(jdbc, "old-held/s", "PENDING", true, old, null);
        delivery(jdbc, "old-retrying/s", "RETRY_SCHEDULED", false, old, null);
        delivery(jdbc, "old-dead/s", "EXHAUSTED", false, old, old);
        delivery(jdbc, "recent/s", "SUCCEEDED", false, recent, recent);
        delivery(jdbc, "old-x/y/s", "RETRY_SCHEDULED", false, old, null);
        jdbc.update("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status, response_duration_ms)"
                + " VALUES ('old-delivered/s', 1, ?, 200, 5)", old);
        jdbc.update("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status, response_duration_ms)"
                + " VALUES ('old-held/s', 1, ?, 500, 5)", old);
        jdbc.update("INSERT INTO tributary_dead_letter (id, event_id, subscription_id, dead_at) VALUES ('old-dead/s', 'old-dead', 's', ?)", old);
        jdbc.update("INSERT INTO tributary_quarantine (id, provider, source_id, reason, received_at, payload, headers)"
                + " VALUES ('q-old', 'mailstand', 'demo', 'unmapped', ?, '{}', '{}')", old);

        int deleted = new RetentionPurge(jdbc, SqlDialect.of(db), Duration.ofDays(30), Clock.systemUTC()).purge();

        assertThat(jdbc.queryForList("SELECT id FROM tributary_event ORDER BY id", String.class))
                .containsExactly("old-held", "old-retrying", "old-x/y", "recent");
        assertThat(jdbc.queryForList("SELECT id FROM tributary_delivery ORDER BY id", String.class))
                .containsExactly("old-held/s", "old-retrying/s", "old-x/y/s", "recent/s");
        assertThat(jdbc.queryForList("SELECT delivery_id FROM tributary_attempt", String.class)).containsExactly("old-held/s");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_dead_letter", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_quarantine", Integer.class)).isZero();
        assertThat(deleted).isEqualTo(4 + 2 + 1 + 1 + 1); // events, deliveries, attempt, dead letter, quarantine
    }

    private static void event(JdbcTemplate jdbc, String id, Timestamp at) {
        jdbc.update("INSERT INTO tributary_event (id, source, provider, source_id, type, recorded_at, canonical, payload, headers)"
                + " VALUES (?, '/providers/mailstand/demo', 'mailstand', 'demo', 'message.clicked', ?, '{}', '{}', '{}')", id, at);
    }

    private static void delivery(JdbcTemplate jdbc, String id, String status, boolean held, Timestamp created, Timestamp settled) {
        jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at, settled_at, claim)"
                + " VALUES (?, ?, 's', ?, ?, 1, ?, ?, 1)", id, id.substring(0, id.lastIndexOf('/')), status, held, created, settled);
    }
}
