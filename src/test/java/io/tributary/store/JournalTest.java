package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.Journal.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The journal's group commit on a real database: H2, and PostgreSQL where CI provides one. */
class JournalTest {

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("journal");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNewRowIsStoredWithItsCompanionsAndASecondTimeNeither(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, Clock.systemUTC(), new SimpleMeterRegistry())) {
            assertThat(journal.insertNew(new Row("events", "e1", "first"), List.of(new Row("deliveries", "e1/s1", "pending"))))
                    .isTrue();
            assertThat(journal.insertNew(new Row("events", "e1", "second"), List.of(new Row("deliveries", "e1/s2", "pending"))))
                    .as("the same key again is not new").isFalse();

            assertThat(loader(db, "events").load("e1")).as("the first value stays").isEqualTo("first");
            assertThat(loader(db, "deliveries").loadAllKeys()).as("only the new row's companions")
                    .containsExactly("e1/s1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void writeInsertsAndReplaces(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, Clock.systemUTC(), new SimpleMeterRegistry())) {
            journal.write(List.of(new Row("deliveries", "d", "pending"), new Row("deliveries", "other", "x")));
            journal.write(List.of(new Row("deliveries", "d", "delivered")));
            assertThat(loader(db, "deliveries").load("d")).isEqualTo("delivered");
            assertThat(loader(db, "deliveries").load("other")).isEqualTo("x");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentWritersAreAllCommittedAndABadRowFailsOnlyItsOwnWrite(String name, DataSource db) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (Journal journal = new Journal(db, Clock.systemUTC(), new SimpleMeterRegistry())) {
            List<Future<Boolean>> results = IntStream.range(0, 400).mapToObj(i -> callers.submit(() -> {
                String key = i == 200 ? "k".repeat(600) : "e" + i; // longer than the key column: refused
                return journal.insertNew(new Row("events", key, "v" + i), List.of(new Row("deliveries", "e" + i + "/s", "p")));
            })).toList();
            for (int i = 0; i < results.size(); i++) {
                if (i == 200) {
                    Future<Boolean> bad = results.get(i);
                    assertThatThrownBy(bad::get).hasCauseInstanceOf(IllegalStateException.class);
                } else {
                    assertThat(results.get(i).get()).isTrue();
                }
            }
            assertThat(loader(db, "events").loadAllKeys()).hasSize(399);
            assertThat(loader(db, "deliveries").loadAllKeys()).hasSize(399).doesNotContain("e200/s");
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentWritersShareCommits(String name, DataSource db) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (Journal journal = new Journal(db, Clock.systemUTC(), meters)) {
            List<Future<Boolean>> writes = IntStream.range(0, 320)
                    .mapToObj(i -> callers.submit(() -> journal.insertNew(new Row("deliveries", "shared-" + i, "p"), List.of()))).toList();
            for (Future<Boolean> write : writes) {
                write.get();
            }
            DistributionSummary batches = meters.get("tributary.journal.batch").summary();
            assertThat(batches.totalAmount()).as("writes committed").isEqualTo(320);
            assertThat(batches.count()).as("commits").isLessThan(320);
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aConnectionTheDatabaseDroppedCostsNoWrite(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, Clock.systemUTC(), new SimpleMeterRegistry(), Duration.ofMinutes(5))) {
            journal.write(List.of(new Row("deliveries", "before", "x"))); // the writer now holds its connection
            dropOtherSessions(name, db);

            assertThat(journal.insertNew(new Row("events", "after", "v"), List.of(new Row("deliveries", "after/s", "p"))))
                    .as("written on a fresh connection").isTrue();
            assertThat(loader(db, "events").load("after")).isEqualTo("v");
            assertThat(loader(db, "deliveries").loadAllKeys()).containsExactlyInAnyOrder("before", "after/s");
        }
    }

    /** Ends every session on the database but this one, as a restart or a network cut would. */
    private static void dropOtherSessions(String name, DataSource db) throws java.sql.SQLException {
        String sql = name.equals("h2")
                ? "SELECT ABORT_SESSION(SESSION_ID) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()"
                : "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
        try (java.sql.Connection c = db.getConnection(); java.sql.Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery(sql)) {
            int dropped = 0;
            while (r.next()) {
                dropped += r.getBoolean(1) ? 1 : 0;
            }
            assertThat(dropped).as("the journal's connection was dropped").isGreaterThanOrEqualTo(1);
        }
    }

    private static JdbcMapStore<String> loader(DataSource db, String map) {
        return new JdbcMapStore<>(db, map, Function.identity(), Function.identity(), true, Duration.ofDays(1), Clock.systemUTC());
    }
}
