package io.tributary.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable writes of the hot path (accepted events, their deliveries, every delivery's progress),
 * committed by group: callers wait until their rows are committed, and one writer thread commits
 * whatever queued up meanwhile in one transaction. Under load one commit, and one disk flush, serves
 * many requests; alone, a request waits for just its own.
 *
 * <p>The rows go to the {@code tributary_entry} table the maps load from ({@link JdbcMapStore}); the
 * caller puts the same values into its Hazelcast map once this returns. Nothing here runs on a
 * Hazelcast partition thread, so a commit never holds up other keys' map operations.
 *
 * <p>If a batch fails, each caller's rows are retried in a transaction of their own, on a fresh
 * connection, so one bad row fails only its own request and a dropped connection fails none.
 */
public final class Journal implements AutoCloseable {

    /** One entry of a map, as stored: its value as text. */
    public record Row(String map, String key, String value) {
    }

    private record Pending(Row ifNew, List<Row> rows, CompletableFuture<Boolean> done) {
    }

    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_BATCH = 256;
    /** How long a commit under load waits for more writers to join it. */
    private static final long GATHER_NANOS = java.util.concurrent.TimeUnit.MICROSECONDS.toNanos(1000);
    /**
     * How long a caller waits for its commit, and a statement may run: a database that hangs turns
     * into errors (a 500 the provider retries), not into threads parked for good.
     */
    private static final int TIMEOUT_SECONDS = 30;

    private final DataSource db;
    private final Clock clock;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;
    /**
     * The writer's connection and its two statements, parsed once: kept while writes keep coming (H2
     * spent a quarter of the writer's time parsing them again for every commit), handed back to the
     * pool once the queue is idle or a commit failed.
     */
    private Session session;
    private final long keepIdleNanos;
    private final Timer commits;
    private final DistributionSummary batches;

    public Journal(DataSource db, Clock clock, MeterRegistry meters) {
        this(db, clock, meters, java.time.Duration.ofMillis(200));
    }

    /** @param keepIdle how long the writer keeps its connection with nothing to write */
    Journal(DataSource db, Clock clock, MeterRegistry meters, java.time.Duration keepIdle) {
        this.db = db;
        this.keepIdleNanos = keepIdle.toNanos();
        this.clock = clock;
        this.commits = Timer.builder("tributary.journal.commit").description("One group commit of the journal")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batches = DistributionSummary.builder("tributary.journal.batch").description("Writes committed together")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.writer = new Thread(this::run, "tributary-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /** Writes (inserts or replaces) the rows in one transaction; returns once they are committed. */
    public void write(List<Row> rows) {
        await(append(rows));
    }

    /**
     * Writes the rows in one transaction without waiting: the future completes, on the journal's
     * thread, once they are committed. For callers that must not block (the delivery attempts'
     * completions). Continue with an executor of the caller's ({@code thenRunAsync}): anything run on
     * the journal's thread delays every commit after it.
     */
    public CompletableFuture<Boolean> append(List<Row> rows) {
        return enqueue(new Pending(null, rows, new CompletableFuture<>()));
    }

    /**
     * Inserts {@code row} unless its key is stored already and, only if it was new, writes {@code with}
     * in the same transaction: a new event and its deliveries are durable together or not at all.
     *
     * @return whether {@code row} was new
     */
    public boolean insertNew(Row row, List<Row> with) {
        return await(enqueue(new Pending(row, with, new CompletableFuture<>())));
    }

    private CompletableFuture<Boolean> enqueue(Pending pending) {
        if (!open) {
            throw new IllegalStateException("the journal is closed");
        }
        queue.add(pending);
        return pending.done();
    }

    private static boolean await(CompletableFuture<Boolean> done) {
        try {
            return done.get(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("not stored: " + describe(e.getCause()));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("not stored within " + TIMEOUT_SECONDS + " s (is the database reachable?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing", e);
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        long lastCommit = System.nanoTime();
        boolean concurrent = false;
        while (open || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (System.nanoTime() - lastCommit > keepIdleNanos) {
                        release();
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (concurrent) {
                    gather(batch);
                }
                concurrent = batch.size() > 1;
                commitOrSplit(batch);
                lastCommit = System.nanoTime();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                batch.clear();
            }
        }
        release();
        Pending left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the journal closed"));
        }
    }

    /**
     * Lets writers already on their way join the batch, for {@link #GATHER_NANOS}: called only when the
     * last batch had company, so a lone writer never waits. Under load this halves the commits, and
     * with them what each costs whatever its size: H2 writes a new chunk of the file per commit,
     * PostgreSQL flushes its log. The writer sleeps through the window and takes what queued up at its
     * end: waiting on the queue instead would wake it once per writer that joins.
     */
    private void gather(List<Pending> batch) {
        if (batch.size() >= MAX_BATCH) {
            return;
        }
        long deadline = System.nanoTime() + GATHER_NANOS;
        for (long left = GATHER_NANOS; left > 0 && !Thread.currentThread().isInterrupted(); left = deadline - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(this, left);
        }
        queue.drainTo(batch, MAX_BATCH - batch.size());
    }

    /**
     * Commits the batch; if that fails, commits each write alone, on a fresh connection: one bad row
     * fails only its own write, and a connection the database dropped costs no write at all.
     */
    private void commitOrSplit(List<Pending> batch) {
        try {
            commitAll(batch);
        } catch (SQLException | RuntimeException | Error e) { // an Error too: the writer must outlive any batch
            log.warn("a commit of {} writes failed ({}); writing each alone", batch.size(), describe(e));
            for (Pending p : batch) {
                try {
                    commitAll(List.of(p));
                } catch (SQLException | RuntimeException | Error alone) {
                    p.done().completeExceptionally(alone);
                }
            }
        }
    }

    private void commitAll(List<Pending> batch) throws SQLException {
        long started = System.nanoTime();
        boolean[] fresh = commit(batch);
        commits.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        batches.record(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done().complete(fresh[i]);
        }
    }

    /** One transaction: the insert-if-new rows first, then the rows of every pending write still wanted. */
    private boolean[] commit(List<Pending> batch) throws SQLException {
        Timestamp now = Timestamp.from(clock.instant());
        boolean[] fresh = new boolean[batch.size()];
        Session s = session();
        try {
            int[] inserted = null;
            if (batch.stream().anyMatch(p -> p.ifNew() != null)) {
                for (Pending p : batch) {
                    if (p.ifNew() != null) {
                        s.sql().bindInsertNew(s.insertNew(), p.ifNew(), now);
                        s.insertNew().addBatch();
                    }
                }
                inserted = s.insertNew().executeBatch();
            }
            int at = 0;
            boolean any = false;
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                fresh[i] = p.ifNew() == null || inserted[at++] > 0;
                if (!fresh[i]) {
                    continue;
                }
                for (Row row : p.rows()) {
                    Sql.bind(s.upsert(), row, now);
                    s.upsert().addBatch();
                    any = true;
                }
            }
            if (any) {
                s.upsert().executeBatch();
            }
            s.connection().commit();
        } catch (SQLException | RuntimeException | Error e) {
            try {
                s.connection().rollback();
            } catch (SQLException | RuntimeException | Error rollback) {
                e.addSuppressed(rollback); // a dropped connection cannot roll back: the database already has
            } finally {
                release(); // a connection that failed is not trusted with the next batch
            }
            throw e;
        }
        return fresh;
    }

    /** The writer's session: a connection taken from the pool if it holds none, and its statements. */
    private Session session() throws SQLException {
        if (session == null) {
            Connection c = db.getConnection();
            try {
                c.setAutoCommit(false);
                Sql sql = Sql.of(c.getMetaData().getDatabaseProductName());
                PreparedStatement insertNew = c.prepareStatement(sql.insertNew());
                PreparedStatement upsert = c.prepareStatement(sql.upsert());
                insertNew.setQueryTimeout(TIMEOUT_SECONDS);
                upsert.setQueryTimeout(TIMEOUT_SECONDS);
                session = new Session(c, sql, insertNew, upsert);
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }
        return session;
    }

    /** Hands the writer's connection back to the pool (which closes its statements). */
    private void release() {
        if (session == null) {
            return;
        }
        try {
            session.connection().close();
        } catch (SQLException e) {
            log.warn("the journal's connection did not close cleanly ({})", describe(e));
        } finally {
            session = null;
        }
    }

    /** What went wrong, without the database's message: it quotes the values (payloads) it refused. */
    private static String describe(Throwable e) {
        return e instanceof SQLException sql ? "SQL state " + sql.getSQLState() + ", error " + sql.getErrorCode()
                : e.getClass().getSimpleName();
    }

    /** Stops taking writes, commits what is queued, and stops the writer. */
    @Override
    public void close() throws InterruptedException {
        open = false;
        writer.join(10_000);
    }

    /** The writer's connection and its prepared statements. */
    private record Session(Connection connection, Sql sql, PreparedStatement insertNew, PreparedStatement upsert) {
    }

    /** The two statements, in the database's own words: PostgreSQL's ON CONFLICT, H2's MERGE. */
    private record Sql(String insertNew, String upsert, boolean keyTwice) {

        static Sql of(String product) {
            if (product.toLowerCase(java.util.Locale.ROOT).contains("postgres")) {
                String insert = "INSERT INTO tributary_entry (map_name, entry_key, entry_value, updated_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (map_name, entry_key) DO ";
                return new Sql(insert + "NOTHING",
                        insert + "UPDATE SET entry_value = EXCLUDED.entry_value, updated_at = EXCLUDED.updated_at", false);
            }
            // H2: one writer per database file, so a NOT EXISTS insert cannot race another node's. The
            // value is cast to the column's own type (TEXT is CHARACTER VARYING in H2 2): a CLOB cast
            // encoded every event to UTF-8 and decoded it back, per row.
            return new Sql("INSERT INTO tributary_entry (map_name, entry_key, entry_value, updated_at)"
                    + " SELECT CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS TIMESTAMP)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM tributary_entry WHERE map_name = ? AND entry_key = ?)",
                    "MERGE INTO tributary_entry (map_name, entry_key, entry_value, updated_at) KEY (map_name, entry_key)"
                            + " VALUES (?, ?, ?, ?)", true);
        }

        void bindInsertNew(PreparedStatement insert, Row row, Timestamp now) throws SQLException {
            bind(insert, row, now);
            if (keyTwice) {
                insert.setString(5, row.map());
                insert.setString(6, row.key());
            }
        }

        static void bind(PreparedStatement statement, Row row, Timestamp now) throws SQLException {
            statement.setString(1, row.map());
            statement.setString(2, row.key());
            statement.setString(3, row.value());
            statement.setTimestamp(4, now);
        }
    }
}
