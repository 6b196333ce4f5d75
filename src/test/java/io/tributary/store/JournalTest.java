package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.Journal.Op;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The journal's group commit on a real database: H2, and PostgreSQL where CI provides one. */
class JournalTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("journal").peek(a -> withTables((DataSource) a.get()[1]));
    }

    /** The database with the tests' two tables created in it. */
    private static DataSource withTables(DataSource db) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.execute("CREATE TABLE journal_row (k VARCHAR(512) NOT NULL PRIMARY KEY, v VARCHAR(100) NOT NULL)");
        jdbc.execute("CREATE TABLE journal_companion (k VARCHAR(512) NOT NULL PRIMARY KEY, v VARCHAR(100) NOT NULL)");
        return db;
    }

    /** An insert-if-absent of a row, in the dialect of the database. */
    private static Op insertRow(DataSource db, String key, String value) {
        SqlDialect dialect = SqlDialect.of(db);
        String sql = dialect.insertIfAbsent("journal_row", new String[] {"k", "v"}, new String[] {"VARCHAR", "VARCHAR"});
        return new Op(sql, s -> {
            s.setString(1, key);
            s.setString(2, value);
            if (dialect.keyTwice()) {
                s.setString(3, key);
            }
        });
    }

    private static Op companion(String key, String value) {
        return new Op("INSERT INTO journal_companion (k, v) VALUES (?, ?)", s -> {
            s.setString(1, key);
            s.setString(2, value);
        });
    }

    private static Op update(String key, String value) {
        return new Op("UPDATE journal_companion SET v = ? WHERE k = ?", s -> {
            s.setString(1, value);
            s.setString(2, key);
        });
    }

    private static List<String> keys(DataSource db, String table) {
        return new JdbcTemplate(db).queryForList("SELECT k FROM " + table + " ORDER BY k", String.class);
    }

    private static String value(DataSource db, String table, String key) {
        return new JdbcTemplate(db).queryForObject("SELECT v FROM " + table + " WHERE k = ?", String.class, key);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aNewRowIsStoredWithItsCompanionsAndASecondTimeNeither(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), TIMEOUT)) {
            assertThat(journal.insertNew(insertRow(db, "e1", "first"), List.of(companion("e1/s1", "pending"))).fresh()).isTrue();
            assertThat(journal.insertNew(insertRow(db, "e1", "second"), List.of(companion("e1/s2", "pending"))).fresh())
                    .as("the same key again is not new").isFalse();

            assertThat(value(db, "journal_row", "e1")).as("the first value stays").isEqualTo("first");
            assertThat(keys(db, "journal_companion")).as("only the new row's companions").containsExactly("e1/s1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aWriteSaysHowManyRowsEachStatementChanged(String name, DataSource db) throws Exception {
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), TIMEOUT)) {
            journal.write(List.of(companion("d", "pending"), companion("other", "x")));
            Journal.Outcome outcome = journal.write(List.of(update("d", "delivered"), update("missing", "y")));
            assertThat(outcome.counts()).as("a fenced update that finds no row changes none").containsExactly(1, 0);
            assertThat(value(db, "journal_companion", "d")).isEqualTo("delivered");
            assertThat(value(db, "journal_companion", "other")).isEqualTo("x");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentWritersAreAllCommittedAndABadRowFailsOnlyItsOwnWrite(String name, DataSource db) throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), TIMEOUT)) {
            List<Future<Boolean>> results = IntStream.range(0, 400).mapToObj(i -> callers.submit(() -> {
                String key = i == 200 ? "k".repeat(600) : "e" + i; // longer than the key column: refused
                return journal.insertNew(insertRow(db, key, "v" + i), List.of(companion("e" + i + "/s", "p"))).fresh();
            })).toList();
            for (int i = 0; i < results.size(); i++) {
                if (i == 200) {
                    Future<Boolean> bad = results.get(i);
                    assertThatThrownBy(bad::get).as("refused data is no outage").hasCauseExactlyInstanceOf(IllegalStateException.class);
                } else {
                    assertThat(results.get(i).get()).isTrue();
                }
            }
            assertThat(keys(db, "journal_row")).hasSize(399);
            assertThat(keys(db, "journal_companion")).hasSize(399).doesNotContain("e200/s");
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void concurrentWritersShareCommits(String name, DataSource db) throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ExecutorService callers = Executors.newFixedThreadPool(32);
        try (Journal journal = new Journal(db, meters, TIMEOUT)) {
            List<Future<Journal.Outcome>> writes = IntStream.range(0, 320)
                    .mapToObj(i -> callers.submit(() -> journal.insertNew(insertRow(db, "shared-" + i, "p"), List.of()))).toList();
            for (Future<Journal.Outcome> write : writes) {
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
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), TIMEOUT, Duration.ofMinutes(5))) {
            journal.write(List.of(companion("before", "x"))); // the writer now holds its connection
            dropOtherSessions(name, db);

            assertThat(journal.insertNew(insertRow(db, "after", "v"), List.of(companion("after/s", "p"))).fresh())
                    .as("written on a fresh connection").isTrue();
            assertThat(value(db, "journal_row", "after")).isEqualTo("v");
            assertThat(keys(db, "journal_companion")).containsExactlyInAnyOrder("before", "after/s");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aConnectionWhoseCommitFailedNeverGoesBackToThePool(String name, DataSource db) throws Exception {
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setDataSource(db);
        config.setMaximumPoolSize(1); // the journal's connection is the pool's only one
        try (com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource(config);
             Journal journal = new Journal(pool, new SimpleMeterRegistry(), TIMEOUT, Duration.ZERO)) {
            Object before;
            try (java.sql.Connection c = pool.getConnection()) {
                before = c.unwrap(java.sql.Connection.class);
            }
            assertThatThrownBy(() -> journal.write(List.of(companion("k".repeat(600), "too long for the key"))))
                    .isExactlyInstanceOf(IllegalStateException.class);
            try (java.sql.Connection c = pool.getConnection()) {
                assertThat(c.unwrap(java.sql.Connection.class)).as("a fresh connection, not the one that failed").isNotSameAs(before);
            }
            assertThat(journal.write(List.of(companion("after", "v"))).counts()).containsExactly(1);
        }
    }

    /**
     * On H2 a commit is forced to the disk before its callers hear of it: H2 writes a commit to its file
     * but leaves it in the operating system's cache, where an operating system crash or a power cut
     * would lose it after it was acknowledged.
     */
    @Test
    void aCommitOnH2IsOnTheDiskBeforeItsWriteReturns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SyncCountingFilePath.register();
        DataSource db = withTables(new DriverManagerDataSource("jdbc:h2:synccount:" + dir.resolve("journal") + ";WRITE_DELAY=0", "sa", ""));
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), TIMEOUT)) {
            for (int i = 0; i < 3; i++) {
                long before = SyncCountingFilePath.forces();
                journal.write(List.of(companion("k" + i, "v")));
                assertThat(SyncCountingFilePath.forces()).as("syncs of the file for write " + i).isGreaterThan(before);
            }
        }
    }

    /**
     * A write the database does not answer within the timeout ends its connection, and the driver never
     * sends the database a cancel request. A cancel travels on a connection of its own, so it can arrive
     * late: on PostgreSQL it then fails the BEGIN of the write's transaction, and the write's statements
     * run without one, each committing alone, so an event is stored without its deliveries. (Seen in
     * {@code DatabaseOutageTest}: a late cancel landed on the BEGIN once a stalled network healed.)
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "TRIBUTARY_TEST_POSTGRES_URL", matches = ".+")
    void aWriteTheDatabaseDoesNotAnswerInTimeEndsItsConnectionWithoutACancel() throws Exception {
        PostgresDatabases.Database pg = PostgresDatabases.fresh().orElseThrow();
        DataSource direct = withTables(new DriverManagerDataSource(pg.url(), pg.user(), pg.password()));
        URI server = URI.create(pg.url().substring("jdbc:".length()));
        try (FaultyProxy proxy = new FaultyProxy(server.getHost(), server.getPort());
             Journal journal = new Journal(new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getPath()
                     + "?sslmode=disable", pg.user(), pg.password()), new SimpleMeterRegistry(), Duration.ofSeconds(1), Duration.ofMinutes(5))) {
            journal.write(List.of(companion("before", "x"))); // the writer now holds its connection
            proxy.stall(); // the database hangs
            CompletableFuture<Journal.Outcome> stalled = journal.submitNew(insertRow(direct, "stalled", "v"), List.of(companion("stalled/s", "p")));
            assertThatThrownBy(() -> journal.await(stalled)).isInstanceOf(StoreUnavailable.class);

            // The next connection after the writer's: its fresh one for the write, or the driver's cancel.
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.connectionsOpened() >= 2);
            assertThat(proxy.cancelRequests()).as("cancel requests sent").isZero();

            proxy.heal();
            journal.write(List.of(companion("after", "y"))); // committed after the stalled write's fate is known
            assertThat(stalled).isCompleted();
            boolean stored = !stalled.isCompletedExceptionally() && stalled.join().fresh();
            assertThat(keys(direct, "journal_row")).as("the row is stored if and only if its write said so")
                    .isEqualTo(stored ? List.of("stalled") : List.of());
            assertThat(keys(direct, "journal_companion")).as("the row's companion with it").isEqualTo(
                    stored ? List.of("after", "before", "stalled/s") : List.of("after", "before"));
        }
    }

    /**
     * A batch the database refuses for a deadlock with another transaction (another member's claim,
     * say) is committed whole once the other is done, not written again one write at a time.
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "TRIBUTARY_TEST_POSTGRES_URL", matches = ".+")
    void aBatchRefusedForADeadlockIsCommittedWholeOnceTheOtherTransactionIsDone() throws Exception {
        PostgresDatabases.Database pg = PostgresDatabases.fresh().orElseThrow();
        DataSource db = withTables(new DriverManagerDataSource(pg.url(), pg.user(), pg.password()));
        JdbcTemplate jdbc = new JdbcTemplate(db);
        jdbc.update("INSERT INTO journal_companion VALUES ('a', 'before'), ('b', 'before')");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Journal journal = new Journal(db, meters, TIMEOUT); java.sql.Connection other = db.getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.Statement s = other.createStatement()) {
                s.execute("SET deadlock_timeout = '60s'"); // so that the journal's side is the one PostgreSQL refuses
                s.executeUpdate("UPDATE journal_companion SET v = 'other' WHERE k = 'b'");
            }
            CompletableFuture<Journal.Outcome> write = journal.append(List.of(update("a", "journal"), update("b", "journal")));
            await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock(jdbc) == 1); // the journal holds a, waits for b
            CompletableFuture<Void> otherTakesA = CompletableFuture.runAsync(() -> {
                try (java.sql.Statement s = other.createStatement()) {
                    s.executeUpdate("UPDATE journal_companion SET v = 'other' WHERE k = 'a'"); // a deadlock
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            otherTakesA.get(30, java.util.concurrent.TimeUnit.SECONDS); // once PostgreSQL rolled the journal's batch back
            other.commit();

            assertThat(write.get(30, java.util.concurrent.TimeUnit.SECONDS).counts()).containsExactly(1, 1);
            assertThat(value(db, "journal_companion", "a")).isEqualTo("journal");
            assertThat(value(db, "journal_companion", "b")).isEqualTo("journal");
            assertThat(meters.get("tributary.journal.retried").counter().count()).as("batches tried again whole").isEqualTo(1);
            assertThat(meters.get("tributary.journal.split").counter().count()).as("batches written one write at a time").isZero();
        }
    }

    private static int waitingOnALock(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
                Integer.class);
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
}
