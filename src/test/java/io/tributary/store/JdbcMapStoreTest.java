package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The map store and the retention purge on a real database: H2, and PostgreSQL where CI provides one. */
class JdbcMapStoreTest {

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("store");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void storesUpdatesLoadsAndDeletes(String name, DataSource db) {
        var store = new JdbcMapStore<String>(db, "m", Function.identity(), Function.identity(), true, Duration.ofDays(1), Clock.systemUTC());
        store.store("a", "{\"v\":1}");
        store.store("a", "{\"v\":2}");
        store.storeAll(Map.of("b", "Zoë ✓", "c", "x".repeat(100_000)));
        assertThat(store.load("a")).isEqualTo("{\"v\":2}");
        assertThat(store.loadAll(List.of("b", "c", "missing"))).containsOnlyKeys("b", "c").containsEntry("b", "Zoë ✓");
        assertThat(store.loadAllKeys()).containsExactlyInAnyOrder("a", "b", "c");
        store.deleteAll(List.of("a", "b"));
        assertThat(store.loadAllKeys()).containsExactly("c");

        var other = new JdbcMapStore<String>(db, "other", Function.identity(), Function.identity(), false, Duration.ofDays(1), Clock.systemUTC());
        assertThat(other.load("c")).as("maps do not see each other's keys").isNull();
        assertThat(other.loadAllKeys()).as("a map loaded on demand lists nothing").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rowsPastTheRetentionAreNotLoadedAndArePurged(String name, DataSource db) throws Exception {
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        Clock clock = Clock.fixed(now, java.time.ZoneOffset.UTC);
        var events = new JdbcMapStore<String>(db, DurableMaps.EVENTS, Function.identity(), Function.identity(), true, Duration.ofDays(30), clock);
        events.store("new", "{}");
        events.store("old", "{}");
        try (Connection c = db.getConnection();
             PreparedStatement age = c.prepareStatement("UPDATE tributary_entry SET updated_at = ? WHERE entry_key = 'old'")) {
            age.setTimestamp(1, Timestamp.from(now.minus(Duration.ofDays(31))));
            age.executeUpdate();
        }
        assertThat(events.loadAllKeys()).containsExactly("new");
        assertThat(new RetentionPurge(db, Duration.ofDays(30), clock).purge()).isEqualTo(1);
        assertThat(events.loadAll(List.of("new", "old"))).containsOnlyKeys("new");
    }
}
