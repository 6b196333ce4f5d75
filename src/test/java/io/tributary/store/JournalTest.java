package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static JdbcMapStore<String> loader(DataSource db, String map) {
        return new JdbcMapStore<>(db, map, Function.identity(), Function.identity(), true, Duration.ofDays(1), Clock.systemUTC());
    }
}
