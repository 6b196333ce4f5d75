package io.tributary.store;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable writes of the hot path (an accepted event with its deliveries, every attempt's record),
 * committed by group: callers wait until their statements are committed, and one writer thread commits
 * whatever queued up meanwhile in one transaction. Under load one commit, and one disk flush, serves
 * many requests; alone, a request waits for just its own. (PostgreSQL flushes its log at commit; on H2
 * the writer forces the file to the disk after each commit, {@link SqlDialect#syncAfterCommit}.)
 *
 * <p>A write is a list of {@link Op}s (a statement and its parameters), optionally behind an
 * insert-if-absent ({@link #insertNew}): the rest are executed only if that row was new, in the same
 * transaction, so a new event and its deliveries are durable together or not at all. Statements are
 * prepared once per connection and run as JDBC batches, grouped by statement in the order they first
 * appear in the batch.
 *
 * <p>If a batch fails, each caller's write is retried in a transaction of its own, on a fresh
 * connection, so one bad row fails only its own request and a dropped connection fails none.
 */
public final class Journal implements AutoCloseable {

    /** Binds one statement's parameters. */
    @FunctionalInterface
    public interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    /** One statement with its parameters. */
    public record Op(String sql, Binder binder) {
    }

    /**
     * What a write did.
     *
     * @param fresh  whether its insert-if-absent inserted (always true for a write without one); when
     *               false none of its other statements ran
     * @param counts the rows each of its other statements changed, in order (a fenced update that
     *               finds its row taken over changes none)
     */
    public record Outcome(boolean fresh, int[] counts) {
    }

    /**
     * One part of a write: {@code ops}, run only if {@code ifNew} (an insert-if-absent, or {@code null}
     * for none) inserted.
     */
    public record Part(Op ifNew, List<Op> ops) {
    }

    /** A write: its parts commit in one transaction, or none of them does. */
    private record Pending(List<Part> parts, CompletableFuture<Outcome[]> done) {
    }

    private static final Logger log = LoggerFactory.getLogger(Journal.class);
    private static final int MAX_BATCH = 256;
    /** How long a commit under load waits for more writers to join it. */
    private static final long GATHER_NANOS = TimeUnit.MICROSECONDS.toNanos(1000);

    private final DataSource db;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean open = true;
    /**
     * How long a caller waits for its commit, and a statement may run: a database that hangs turns
     * into errors (a 503 the provider retries), not into threads parked for good.
     */
    private final Duration timeout;
    /**
     * The writer's connection and its prepared statements: kept while writes keep coming (H2 spent a
     * quarter of the writer's time parsing statements again for every commit), handed back to the
     * pool once the queue is idle or a commit failed.
     */
    private Connection connection;
    /**
     * Whether the driver of {@link #connection} ends it when the database does not answer within the
     * timeout (a network timeout); if not (H2, which runs in this process), each statement gets a query
     * timeout, which H2 enforces inside its engine.
     */
    private boolean networkTimed;
    /** What puts a commit on {@link #connection} on the disk, run after it ({@link SqlDialect#syncAfterCommit}). */
    private String syncAfterCommit;
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private final long keepIdleNanos;
    private final Timer commits;
    private final DistributionSummary batches;
    private final Counter split;
    private final Counter retried;

    public Journal(DataSource db, MeterRegistry meters, Duration timeout) {
        this(db, meters, timeout, Duration.ofMillis(200));
    }

    /** @param keepIdle how long the writer keeps its connection with nothing to write */
    Journal(DataSource db, MeterRegistry meters, Duration timeout, Duration keepIdle) {
        this.db = db;
        this.timeout = timeout;
        this.keepIdleNanos = keepIdle.toNanos();
        this.commits = Timer.builder("tributary.journal.commit").description("One group commit of the journal")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.batches = DistributionSummary.builder("tributary.journal.batch").description("Writes committed together")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.split = Counter.builder("tributary.journal.split")
                .description("Group commits that failed and were written again one write at a time").register(meters);
        this.retried = Counter.builder("tributary.journal.retried")
                .description("Group commits the database refused for a conflict (deadlock, serialization) and that were tried again whole")
                .register(meters);
        this.writer = new Thread(this::run, "tributary-journal");
        writer.setDaemon(true);
        writer.start();
    }

    /** Runs the statements in one transaction; returns once they are committed. */
    public Outcome write(List<Op> ops) {
        return await(append(ops));
    }

    /**
     * Runs the statements in one transaction without waiting: the future completes, on the journal's
     * thread, once they are committed. Continue with an executor of the caller's
     * ({@code thenRunAsync}): anything run on the journal's thread delays every commit after it.
     */
    public CompletableFuture<Outcome> append(List<Op> ops) {
        return enqueue(List.of(new Part(null, ops))).thenApply(outcomes -> outcomes[0]);
    }

    /**
     * Runs {@code ifNew}, an insert-if-absent, and, only if it inserted, {@code with}, in the same
     * transaction; returns once committed.
     */
    public Outcome insertNew(Op ifNew, List<Op> with) {
        return await(submitNew(ifNew, with));
    }

    /** {@link #insertNew} without waiting. */
    public CompletableFuture<Outcome> submitNew(Op ifNew, List<Op> with) {
        return enqueue(List.of(new Part(ifNew, with))).thenApply(outcomes -> outcomes[0]);
    }

    /**
     * Several parts in one transaction (a batch of events, each new or not, with what goes with it),
     * without waiting: the outcomes, one per part in order, once committed. Parts whose insert-if-absent
     * find their row present (also one an earlier part of the same write inserted) run none of their
     * other statements.
     */
    public CompletableFuture<Outcome[]> submitAll(List<Part> parts) {
        return enqueue(List.copyOf(parts));
    }

    /**
     * Waits for a write as long as the journal's timeout. Throws {@link StoreUnavailable} when the
     * database did not commit it in time or failed (the write may still commit later), and an
     * {@link IllegalStateException} when the database refused the data itself (too long, a constraint).
     */
    public <T> T await(CompletableFuture<T> done) {
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
                // data or integrity: the same write would fail again, however often it is retried
                throw new IllegalStateException("not storable: " + describe(sql));
            }
            throw new StoreUnavailable("not stored: " + describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreUnavailable("not stored within " + timeout.toSeconds() + " s (is the database reachable?)", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("interrupted while storing", e);
        }
    }

    private CompletableFuture<Outcome[]> enqueue(List<Part> parts) {
        if (!open) {
            throw new StoreUnavailable("the journal is closed", null);
        }
        Pending pending = new Pending(parts, new CompletableFuture<>());
        queue.add(pending);
        return pending.done();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>();
        long lastCommit = System.nanoTime();
        boolean concurrent = false;
        while (open || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
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
            LockSupport.parkNanos(this, left);
        }
        queue.drainTo(batch, MAX_BATCH - batch.size());
    }

    /**
     * Commits the batch; if the database refused it for a conflict with another transaction, tries the
     * whole batch once more; if that fails too, or it failed otherwise, commits each write alone, on a
     * fresh connection: one bad row fails only its own write, and a connection the database dropped
     * costs no write at all.
     */
    private void commitOrSplit(List<Pending> batch) {
        Throwable failed = attempt(batch);
        if (conflict(failed)) {
            // Another transaction's locks (another member's claim, say), not this batch's data: the
            // database rolled the whole batch back, and the same batch commits once the other is done.
            retried.increment();
            failed = attempt(batch);
        }
        if (failed == null) {
            return;
        }
        log.warn("a commit of {} writes failed ({}); writing each alone", batch.size(), describe(failed));
        split.increment();
        for (Pending p : batch) {
            Throwable alone = attempt(List.of(p));
            if (alone != null) {
                p.done().completeExceptionally(alone);
            }
        }
    }

    /** {@link #commitAll}: what made it fail, or null once committed. */
    private Throwable attempt(List<Pending> batch) {
        try {
            commitAll(batch);
            return null;
        } catch (SQLException | RuntimeException | Error e) { // an Error too: the writer must outlive any batch
            return e;
        }
    }

    /** Whether the database refused a transaction for its conflict with another (SQL state class 40: deadlock, serialization). */
    private static boolean conflict(Throwable e) {
        return e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("40");
    }

    private void commitAll(List<Pending> batch) throws SQLException {
        long started = System.nanoTime();
        List<Part> parts = new ArrayList<>();
        batch.forEach(p -> parts.addAll(p.parts()));
        Outcome[] outcomes = commit(parts);
        commits.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        batches.record(batch.size());
        int next = 0;
        for (Pending p : batch) {
            Outcome[] own = new Outcome[p.parts().size()];
            System.arraycopy(outcomes, next, own, 0, own.length);
            next += own.length;
            p.done().complete(own);
        }
    }

    /** A statement's place in a batch: which write, and which of its statements. */
    private record Slot(int write, int op) {
    }

    /** One transaction: the insert-if-absent statements first, then the statements of every part still wanted. */
    private Outcome[] commit(List<Part> batch) throws SQLException {
        Connection c = connection();
        try {
            boolean[] fresh = new boolean[batch.size()];
            Map<String, List<Slot>> inserts = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                Op ifNew = batch.get(i).ifNew();
                if (ifNew == null) {
                    fresh[i] = true;
                } else {
                    inserts.computeIfAbsent(ifNew.sql(), k -> new ArrayList<>()).add(new Slot(i, -1));
                }
            }
            for (Map.Entry<String, List<Slot>> group : inserts.entrySet()) {
                int[] counts = execute(group.getKey(), group.getValue().stream().map(s -> batch.get(s.write()).ifNew()).toList());
                for (int k = 0; k < counts.length; k++) {
                    fresh[group.getValue().get(k).write()] = counts[k] != 0;
                }
            }
            Map<String, List<Slot>> rest = new LinkedHashMap<>();
            int[][] counts = new int[batch.size()][];
            for (int i = 0; i < batch.size(); i++) {
                List<Op> ops = batch.get(i).ops();
                counts[i] = new int[fresh[i] ? ops.size() : 0];
                if (fresh[i]) {
                    for (int j = 0; j < ops.size(); j++) {
                        rest.computeIfAbsent(ops.get(j).sql(), k -> new ArrayList<>()).add(new Slot(i, j));
                    }
                }
            }
            for (Map.Entry<String, List<Slot>> group : rest.entrySet()) {
                List<Slot> slots = group.getValue();
                int[] done = execute(group.getKey(), slots.stream().map(s -> batch.get(s.write()).ops().get(s.op())).toList());
                for (int k = 0; k < done.length; k++) {
                    counts[slots.get(k).write()][slots.get(k).op()] = done[k];
                }
            }
            c.commit();
            if (syncAfterCommit != null) {
                prepared(syncAfterCommit).execute();
            }
            Outcome[] outcomes = new Outcome[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                outcomes[i] = new Outcome(fresh[i], counts[i]);
            }
            return outcomes;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                c.rollback();
            } catch (SQLException | RuntimeException | Error rollback) {
                e.addSuppressed(rollback); // a dropped connection cannot roll back: the database already has
            } finally {
                discard(); // a connection that failed is not trusted with the next batch, nor with anyone's
            }
            throw e;
        }
    }

    /** Runs one statement for each op, as a JDBC batch when there are several; the rows each changed. */
    private int[] execute(String sql, List<Op> ops) throws SQLException {
        PreparedStatement statement = prepared(sql);
        if (ops.size() == 1) {
            ops.get(0).binder().bind(statement);
            return new int[] {statement.executeUpdate()};
        }
        for (Op op : ops) {
            op.binder().bind(statement);
            statement.addBatch();
        }
        int[] counts = statement.executeBatch();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == java.sql.Statement.SUCCESS_NO_INFO) {
                counts[i] = 1; // the driver ran it but did not count (only ever for statements that succeeded)
            }
        }
        return counts;
    }

    /** The statement prepared on the writer's connection, once per connection. */
    private PreparedStatement prepared(String sql) throws SQLException {
        PreparedStatement statement = statements.get(sql);
        if (statement == null) {
            statement = connection.prepareStatement(sql);
            if (!networkTimed) {
                statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            }
            statements.put(sql, statement);
        }
        return statement;
    }

    /**
     * The writer's connection: taken from the pool if it holds none.
     *
     * <p>A database over the network is given the timeout as the connection's network timeout: a
     * statement it does not answer in time ends the connection (and with it the transaction), and the
     * driver never sends a cancel. PostgreSQL's cancel travels on a connection of its own, so after a
     * stall it can arrive late and fail the BEGIN of the transaction it was meant for; the statements
     * after that BEGIN then run outside any transaction, each committing alone: an event stored without
     * its deliveries.
     */
    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = db.getConnection();
            try {
                c.setAutoCommit(false);
                c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                networkTimed = c.getNetworkTimeout() > 0; // H2 in this process has no network: it ignores the call
                syncAfterCommit = SqlDialect.of(c).syncAfterCommit();
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            connection = c;
        }
        return connection;
    }

    /**
     * Takes the writer's connection out of the pool for good. After a failed commit its protocol state
     * cannot be trusted: a statement that timed out, a stall, a driver error half-way through
     * a batch can leave replies unread, and a pooled connection that reads a stale reply as a new
     * statement's answer can report an event inserted without its deliveries. The pool opens a fresh
     * one instead.
     */
    private void discard() {
        Connection c = connection;
        if (c == null) {
            return;
        }
        release();
        try {
            // Returned first: evicting a connection still in use closes it under the pool, which then
            // hands the closed one out again. Returned, it is marked evicted and closed, never lent.
            if (db.isWrapperFor(HikariDataSource.class)) {
                db.unwrap(HikariDataSource.class).evictConnection(c);
            }
        } catch (SQLException | RuntimeException e) {
            log.warn("the journal's failed connection could not be evicted ({})", describe(e));
        }
    }

    /** Hands the writer's connection back to the pool (which closes its statements). */
    private void release() {
        if (connection == null) {
            return;
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            log.warn("the journal's connection did not close cleanly ({})", describe(e));
        } finally {
            connection = null;
        }
    }

    /** What went wrong, without the database's message: it quotes the values (payloads) it refused. */
    static String describe(Throwable e) {
        return e instanceof SQLException sql ? "SQL state " + sql.getSQLState() + ", error " + sql.getErrorCode()
                : e == null ? "unknown" : e.getClass().getSimpleName();
    }

    /** Stops taking writes, commits what is queued, and stops the writer. */
    @Override
    public void close() throws InterruptedException {
        open = false;
        writer.join(10_000);
    }
}
