package io.tributary.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.Columns;
import io.tributary.store.EventStore;
import io.tributary.store.Journal;
import io.tributary.store.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deliveries, their attempts and dead letters in the database ({@code tributary_delivery},
 * {@code tributary_attempt}, {@code tributary_dead_letter}). Every write goes through the
 * {@link Journal} (group commit), the member's one writer. A worker's writes name the claim they hold;
 * claims and leases are updates that succeed only on the row as it was read (compare and set), so two
 * members never take the same delivery at once, on H2 or PostgreSQL.
 *
 * <p>Leases, claims and releases too: run on a connection of their own, a lease renewal locked rows
 * the journal's open batch was settling while that batch waited on rows the renewal held. The
 * database broke the deadlock by failing the batch, which the journal then wrote again one write at
 * a time, and every webhook waiting on it waited for all of those commits (on H2, every few passes of
 * the recovery; on PostgreSQL only after its deadlock timeout, a second).
 */
public final class DeliveryStore {

    static final String UNSETTLED = "('PENDING', 'RETRY_SCHEDULED')";
    private static final String COLUMNS = "id, event_id, subscription_id, status, held, created_at, next_attempt_at, attempt_count, claim,"
            + " filter_pending";
    private static final int CHUNK = 500;

    private final JdbcTemplate jdbc;
    private final Journal journal;
    private final EventStore events;
    private final ObjectMapper json;
    private final SqlDialect dialect;

    DeliveryStore(JdbcTemplate jdbc, Journal journal, EventStore events, ObjectMapper json, SqlDialect dialect) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.events = events;
        this.json = json;
        this.dialect = dialect;
    }

    /**
     * The statements that store new deliveries, for their event's transaction; unheld ones leased to {@code owner}.
     */
    List<Journal.Op> inserts(List<Delivery> planned, String owner, Instant leaseUntil) {
        return planned.stream().map(d -> new Journal.Op("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held,"
                + " attempt_count, created_at, next_attempt_at, claim, lease_owner, lease_until, filter_pending)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                    s.setString(1, d.id());
                    s.setString(2, d.eventId());
                    s.setString(3, d.subscriptionId());
                    s.setString(4, d.status().name());
                    s.setBoolean(5, d.held());
                    s.setInt(6, d.attemptCount());
                    s.setTimestamp(7, Timestamp.from(d.createdAt()));
                    s.setTimestamp(8, Columns.timestamp(d.nextAttemptAt()));
                    s.setInt(9, d.claim());
                    s.setString(10, d.held() ? null : owner);
                    s.setTimestamp(11, d.held() ? null : Timestamp.from(leaseUntil));
                    s.setBoolean(12, d.filterPending());
                })).toList();
    }

    /**
     * Records where a delivery stands after an attempt (or without one: held, dropped), fenced by its
     * claim, without waiting. The outcome's last count is 0 when the claim was taken over meanwhile: the
     * attempt is still recorded, the delivery's state is the new holder's.
     *
     * @param attempt    the attempt to append, or null
     * @param leaseOwner who keeps working on it (a short retry in memory), or null to release it
     * @param deadLetter the dead letter to write with it, or null
     */
    CompletableFuture<Journal.Outcome> record(Delivery after, DeliveryAttempt attempt, String leaseOwner, Instant leaseUntil,
                                              DeadLetter deadLetter, Instant now) {
        return record(after, attempt, leaseOwner, leaseUntil, deadLetter, null, now);
    }

    /**
     * {@link #record(Delivery, DeliveryAttempt, String, Instant, DeadLetter, Instant)}, with why the
     * delivery is now held though its subscription is not paused (its filter could not decide), or null.
     */
    CompletableFuture<Journal.Outcome> record(Delivery after, DeliveryAttempt attempt, String leaseOwner, Instant leaseUntil,
                                              DeadLetter deadLetter, String heldReason, Instant now) {
        List<Journal.Op> ops = new ArrayList<>();
        if (attempt != null) {
            ops.add(attemptOp(after.id(), attempt));
        }
        if (deadLetter != null) {
            ops.add(new Journal.Op("DELETE FROM tributary_dead_letter WHERE id = ?", s -> s.setString(1, deadLetter.id())));
            String subscription = deadLetter.subscription() == null ? null : deadLetter.subscription().toString();
            ops.add(new Journal.Op("INSERT INTO tributary_dead_letter (id, event_id, subscription_id, dead_at, reason, subscription)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", s -> {
                        s.setString(1, deadLetter.id());
                        s.setString(2, deadLetter.eventId());
                        s.setString(3, deadLetter.subscriptionId());
                        s.setTimestamp(4, Timestamp.from(deadLetter.deadAt()));
                        s.setString(5, Columns.text(deadLetter.reason()));
                        s.setString(6, subscription);
                    }));
        }
        ops.add(new Journal.Op("UPDATE tributary_delivery SET status = ?, held = ?, attempt_count = ?, next_attempt_at = ?,"
                + " settled_at = ?, lease_owner = ?, lease_until = ?, filter_pending = ?, held_reason = ? WHERE id = ? AND claim = ?", s -> {
                    s.setString(1, after.status().name());
                    s.setBoolean(2, after.held());
                    s.setInt(3, after.attemptCount());
                    s.setTimestamp(4, Columns.timestamp(after.nextAttemptAt()));
                    s.setTimestamp(5, after.settled() ? Timestamp.from(now) : null);
                    s.setString(6, leaseOwner);
                    s.setTimestamp(7, leaseOwner == null ? null : Columns.timestamp(leaseUntil));
                    s.setBoolean(8, after.filterPending());
                    s.setString(9, Columns.cut(heldReason, 512));
                    s.setString(10, after.id());
                    s.setInt(11, after.claim());
                }));
        return journal.append(ops);
    }

    /** The last attempt of a spent schedule, the delivery exhausted and its dead letter, in one transaction; returns once committed. */
    void recordAndWait(Delivery exhausted, DeliveryAttempt attempt, DeadLetter deadLetter, Instant now) {
        journal.await(record(exhausted, attempt, null, null, deadLetter, now));
    }

    private static Journal.Op attemptOp(String deliveryId, DeliveryAttempt a) {
        return new Journal.Op("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status, response_duration_ms,"
                + " response, error, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", s -> {
                    s.setString(1, deliveryId);
                    s.setInt(2, a.number());
                    s.setTimestamp(3, Timestamp.from(a.at()));
                    if (a.status() == null) {
                        s.setNull(4, Types.INTEGER);
                    } else {
                        s.setInt(4, a.status());
                    }
                    s.setLong(5, a.responseDurationMs());
                    s.setString(6, Columns.text(a.response()));
                    s.setString(7, Columns.text(a.error()));
                    s.setTimestamp(8, Columns.timestamp(a.nextAttemptAt()));
                });
    }

    /**
     * Takes deliveries over: each is claimed only if its claim is still the one read, and it is still
     * unsettled and not held. Returns those claimed, with their new claim.
     */
    List<Delivery> claim(List<Delivery> candidates, String owner, Instant leaseUntil) {
        if (candidates.isEmpty()) {
            return List.of();
        }
        Timestamp until = Timestamp.from(leaseUntil);
        int[] counts = journal.write(candidates.stream().map(d -> new Journal.Op(
                "UPDATE tributary_delivery SET claim = claim + 1, lease_owner = ?, lease_until = ?"
                        + " WHERE id = ? AND claim = ? AND held = FALSE AND status IN " + UNSETTLED, s -> {
                            s.setString(1, owner);
                            s.setTimestamp(2, until);
                            s.setString(3, d.id());
                            s.setInt(4, d.claim());
                        })).toList()).counts();
        List<Delivery> claimed = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                claimed.add(candidates.get(i).claimedAgain());
            }
        }
        return claimed;
    }

    /** Extends this member's leases on the deliveries it works on. */
    void renew(String owner, Collection<String> ids, Instant leaseUntil) {
        if (ids.isEmpty()) {
            return;
        }
        Timestamp until = Timestamp.from(leaseUntil);
        journal.write(ids.stream().map(id -> new Journal.Op("UPDATE tributary_delivery SET lease_until = ? WHERE lease_owner = ? AND id = ?", s -> {
            s.setTimestamp(1, until);
            s.setString(2, owner);
            s.setString(3, id);
        })).toList());
    }

    /** Unsettled deliveries leased to {@code owner} whose lease ends before {@code before}: not renewed by it. */
    List<Delivery> unrenewed(String owner, Instant before, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tributary_delivery WHERE lease_owner = ? AND lease_until < ?"
                + " AND held = FALSE AND status IN " + UNSETTLED + " ORDER BY created_at, id FETCH FIRST " + limit + " ROWS ONLY",
                (rows, n) -> delivery(rows), owner, Timestamp.from(before));
    }

    /**
     * Unsettled deliveries due by {@code now} that nobody works on: never leased or released (a retry
     * parked in the database, a resumed subscription's), leased until before now, or leased by a
     * member that is gone. Oldest due first, then in the order their events arrived.
     *
     * @param subscriptionId only this subscription's, or all when null
     */
    List<Delivery> claimable(Instant now, Set<String> liveMembers, String subscriptionId, int limit) {
        List<Object> args = new ArrayList<>();
        Timestamp at = Timestamp.from(now);
        args.add(at);
        args.add(at);
        args.addAll(liveMembers);
        String sql = "SELECT " + COLUMNS + " FROM tributary_delivery WHERE status IN " + UNSETTLED + " AND held = FALSE"
                + " AND next_attempt_at <= ? AND (lease_owner IS NULL OR lease_until < ?"
                + (liveMembers.isEmpty() ? "" : " OR lease_owner NOT IN (" + marks(liveMembers.size()) + ")")
                + ")";
        if (subscriptionId != null) {
            sql += " AND subscription_id = ?";
            args.add(subscriptionId);
        }
        sql += " ORDER BY next_attempt_at, created_at, id FETCH FIRST " + limit + " ROWS ONLY";
        return jdbc.query(sql, (rows, n) -> delivery(rows), args.toArray());
    }

    /** A resumed subscription: its held deliveries and its retries parked in the database are due now. */
    int release(String subscriptionId, Instant now) {
        return journal.write(List.of(new Journal.Op("UPDATE tributary_delivery SET held = FALSE, held_reason = NULL, next_attempt_at = ?"
                + " WHERE subscription_id = ? AND status IN " + UNSETTLED + " AND (held = TRUE OR lease_owner IS NULL)", s -> {
                    s.setTimestamp(1, Timestamp.from(now));
                    s.setString(2, subscriptionId);
                }))).counts()[0];
    }

    /**
     * Deliveries held for a pause of a subscription that is no longer paused go out now; those held
     * because the filter could not decide ({@code held_reason}) stay held until a resume.
     */
    int releasePauseHeld(String subscriptionId, Instant now) {
        return journal.write(List.of(new Journal.Op("UPDATE tributary_delivery SET held = FALSE, next_attempt_at = ?"
                + " WHERE subscription_id = ? AND held = TRUE AND held_reason IS NULL AND status IN " + UNSETTLED, s -> {
                    s.setTimestamp(1, Timestamp.from(now));
                    s.setString(2, subscriptionId);
                }))).counts()[0];
    }

    Optional<Delivery> delivery(String id) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tributary_delivery WHERE id = ?", (rows, n) -> delivery(rows), id)
                .stream().findFirst();
    }

    /**
     * Sends a dead letter again from the start of the schedule, claimed by {@code owner}: removes the
     * dead letter and resets its delivery in one transaction. Empty when there is no such dead letter
     * or it was replayed meanwhile.
     *
     * @param claimed called with the delivery as claimed, before the claim commits (so the member holds
     *                it in flight before anyone could see the claim)
     */
    Optional<Delivery> replay(String id, String owner, Instant now, Instant leaseUntil, java.util.function.Consumer<Delivery> claimed) {
        Delivery dead = delivery(id).filter(d -> d.status() == DeliveryStatus.EXHAUSTED).orElse(null);
        if (dead == null) {
            return Optional.empty();
        }
        Delivery fresh = new Delivery(dead.id(), dead.eventId(), dead.subscriptionId(), DeliveryStatus.PENDING, false,
                dead.createdAt(), now, 0, dead.claim() + 1, false);
        claimed.accept(fresh);
        Journal.Outcome outcome = journal.write(List.of(
                new Journal.Op("DELETE FROM tributary_dead_letter WHERE id = ?", s -> s.setString(1, id)),
                new Journal.Op("UPDATE tributary_delivery SET status = 'PENDING', held = FALSE, attempt_count = 0, next_attempt_at = ?,"
                        + " settled_at = NULL, claim = claim + 1, lease_owner = ?, lease_until = ? WHERE id = ? AND claim = ?"
                        + " AND status = 'EXHAUSTED'", s -> {
                            s.setTimestamp(1, Timestamp.from(now));
                            s.setString(2, owner);
                            s.setTimestamp(3, Timestamp.from(leaseUntil));
                            s.setString(4, id);
                            s.setInt(5, dead.claim());
                        })));
        return outcome.counts()[1] == 1 ? Optional.of(fresh) : Optional.empty();
    }

    /** Every delivery of an event with its attempts, by subscription. */
    public List<DeliveryRecord> forEvent(String eventId) {
        return records("SELECT " + COLUMNS + ", settled_at, held_reason FROM (SELECT CAST(? AS VARCHAR(512)) AS wanted) e"
                + " JOIN tributary_delivery d ON " + dialect.deliveriesOf("e.wanted") + " ORDER BY subscription_id", eventId);
    }

    private List<DeliveryRecord> records(String sql, Object... args) {
        List<Object[]> rows = jdbc.query(sql, (r, n) -> new Object[] {delivery(r), Columns.instant(r.getTimestamp(11)), r.getString(12)}, args);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, List<DeliveryAttempt>> attempts = attempts(rows.stream().map(r -> ((Delivery) r[0]).id()).toList());
        return rows.stream().map(r -> {
            Delivery d = (Delivery) r[0];
            return new DeliveryRecord(d.id(), d.eventId(), d.subscriptionId(), d.status(), d.held(), d.createdAt(),
                    d.nextAttemptAt(), d.attemptCount(), (Instant) r[1], (String) r[2], attempts.getOrDefault(d.id(), List.of()));
        }).toList();
    }

    private Map<String, List<DeliveryAttempt>> attempts(List<String> deliveryIds) {
        Map<String, List<DeliveryAttempt>> all = new HashMap<>();
        for (int from = 0; from < deliveryIds.size(); from += CHUNK) {
            List<String> chunk = deliveryIds.subList(from, Math.min(deliveryIds.size(), from + CHUNK));
            jdbc.query("SELECT delivery_id, attempt_number, attempted_at, status, response_duration_ms, response, error, next_attempt_at"
                    + " FROM tributary_attempt WHERE delivery_id IN (" + marks(chunk.size()) + ") ORDER BY id", rows -> {
                        int status = rows.getInt(4);
                        Integer httpStatus = rows.wasNull() ? null : status; // no response: a connect error, a timeout
                        all.computeIfAbsent(rows.getString(1), k -> new ArrayList<>()).add(new DeliveryAttempt(rows.getInt(2),
                                Columns.instant(rows.getTimestamp(3)), httpStatus, rows.getLong(5), rows.getString(6),
                                rows.getString(7), Columns.instant(rows.getTimestamp(8))));
                    }, chunk.toArray());
        }
        return all;
    }

    /**
     * Each subscription's deliveries by where they stand: settled since {@code since} (succeeded,
     * exhausted), unsettled (held, waiting), dead letters. Consecutive failures are not the store's:
     * left 0. Served by the settled, subscription and dead-letter indexes.
     */
    Map<String, SubscriptionHealth> health(Instant since) {
        Map<String, long[]> counts = new HashMap<>();
        jdbc.query("SELECT subscription_id, status, COUNT(*) FROM tributary_delivery WHERE settled_at >= ?"
                + " AND status IN ('SUCCEEDED', 'EXHAUSTED') GROUP BY subscription_id, status", rows -> {
                    counts.computeIfAbsent(rows.getString(1), k -> new long[5])[rows.getString(2).equals("SUCCEEDED") ? 0 : 1] = rows.getLong(3);
                }, Timestamp.from(since));
        jdbc.query("SELECT subscription_id, held, COUNT(*) FROM tributary_delivery WHERE status IN " + UNSETTLED
                + " GROUP BY subscription_id, held", rows -> {
                    counts.computeIfAbsent(rows.getString(1), k -> new long[5])[rows.getBoolean(2) ? 2 : 3] = rows.getLong(3);
                });
        jdbc.query("SELECT subscription_id, COUNT(*) FROM tributary_dead_letter GROUP BY subscription_id", rows -> {
            counts.computeIfAbsent(rows.getString(1), k -> new long[5])[4] = rows.getLong(2);
        });
        Map<String, SubscriptionHealth> health = new HashMap<>();
        counts.forEach((id, c) -> health.put(id, new SubscriptionHealth(c[0], c[1],
                c[0] + c[1] == 0 ? null : (double) c[0] / (c[0] + c[1]), 0, c[2], c[3], c[4])));
        return health;
    }

    /**
     * Deliveries settled since {@code since}, by bucket of {@code bucketSeconds} (of settlement): how
     * many succeeded and were exhausted, and how long after its delivery was made (the event accepted)
     * each one's first attempt went out. Two grouped queries over the settled index.
     */
    public List<DeliveryActivity> activity(Instant since, int bucketSeconds) {
        Map<Long, long[]> settled = new java.util.TreeMap<>();
        String bucket = EventStore.bucket("settled_at", bucketSeconds);
        jdbc.query("SELECT " + bucket + ", status, COUNT(*) FROM tributary_delivery WHERE settled_at >= ?"
                + " AND status IN ('SUCCEEDED', 'EXHAUSTED') GROUP BY " + bucket + ", status", rows -> {
                    settled.computeIfAbsent(rows.getLong(1), k -> new long[2])[rows.getString(2).equals("SUCCEEDED") ? 0 : 1] = rows.getLong(3);
                }, Timestamp.from(since));
        Map<Long, Object[]> latency = new HashMap<>();
        String settledBucket = EventStore.bucket("d.settled_at", bucketSeconds);
        String wait = "(EXTRACT(EPOCH FROM a.attempted_at) - EXTRACT(EPOCH FROM d.created_at)) * 1000";
        jdbc.query("SELECT " + settledBucket + ", COUNT(*), AVG(" + wait + "), MAX(" + wait + ") FROM tributary_delivery d"
                + " JOIN tributary_attempt a ON a.delivery_id = d.id AND a.attempt_number = 1 WHERE d.settled_at >= ?"
                + " GROUP BY " + settledBucket, rows -> {
                    latency.put(rows.getLong(1), new Object[] {rows.getLong(2), rows.getDouble(3), rows.getDouble(4)});
                    settled.computeIfAbsent(rows.getLong(1), k -> new long[2]);
                }, Timestamp.from(since));
        List<DeliveryActivity> out = new ArrayList<>();
        settled.forEach((n, c) -> {
            Object[] l = latency.get(n);
            out.add(new DeliveryActivity(EventStore.bucketStart(n, bucketSeconds), c[0], c[1], l == null ? 0 : (Long) l[0],
                    l == null ? null : (Double) l[1], l == null ? null : (Double) l[2]));
        });
        return out;
    }

    public Optional<DeadLetter> deadLetter(String id) {
        return deadLetters("SELECT id, subscription_id, event_id, dead_at, reason, subscription FROM tributary_dead_letter WHERE id = ?",
                id).stream().findFirst();
    }

    /** Dead letters, newest first; of one subscription when {@code subscriptionId} is given. */
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        String select = "SELECT id, subscription_id, event_id, dead_at, reason, subscription FROM tributary_dead_letter";
        return subscriptionId == null
                ? deadLetters(select + " ORDER BY dead_at DESC, id FETCH FIRST " + limit + " ROWS ONLY")
                : deadLetters(select + " WHERE subscription_id = ? ORDER BY dead_at DESC, id FETCH FIRST " + limit + " ROWS ONLY",
                        subscriptionId);
    }

    /** A dead letter's own row. */
    private record DeadRow(String id, String subscriptionId, String eventId, Instant deadAt, String reason, String subscription) {
    }

    /** The dead letters the query finds, each with its delivery and attempts and its event: a few queries for all of them. */
    private List<DeadLetter> deadLetters(String sql, Object... args) {
        List<DeadRow> rows = jdbc.query(sql, (r, n) -> new DeadRow(r.getString(1), r.getString(2), r.getString(3),
                Columns.instant(r.getTimestamp(4)), r.getString(5), r.getString(6)), args);
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, DeliveryRecord> deliveries = new HashMap<>();
        List<String> ids = rows.stream().map(DeadRow::id).toList();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            records("SELECT " + COLUMNS + ", settled_at, held_reason FROM tributary_delivery WHERE id IN (" + marks(chunk.size()) + ")", chunk.toArray())
                    .forEach(d -> deliveries.put(d.id(), d));
        }
        Map<String, ObjectNode> canonical = events.canonical(rows.stream().map(DeadRow::eventId).distinct().toList());
        return rows.stream().map(r -> new DeadLetter(r.id(), r.subscriptionId(), r.eventId(), r.deadAt(), r.reason(),
                deliveries.get(r.id()), canonical.get(r.eventId()), r.subscription() == null ? null : parse(r.subscription()))).toList();
    }

    /** The ids of dead letters, newest first, of one subscription: what a bulk replay needs, and no more. */
    List<String> deadLetterIds(String subscriptionId, int limit) {
        return jdbc.queryForList("SELECT id FROM tributary_dead_letter WHERE subscription_id = ? ORDER BY dead_at DESC, id FETCH FIRST "
                + limit + " ROWS ONLY", String.class, subscriptionId);
    }

    /** {@code n} JDBC parameter marks for an {@code IN} list. */
    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private ObjectNode parse(String value) {
        try {
            return (ObjectNode) json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Delivery delivery(ResultSet rows) throws SQLException {
        return new Delivery(rows.getString(1), rows.getString(2), rows.getString(3), DeliveryStatus.valueOf(rows.getString(4)),
                rows.getBoolean(5), Columns.instant(rows.getTimestamp(6)), Columns.instant(rows.getTimestamp(7)), rows.getInt(8), rows.getInt(9),
                rows.getBoolean(10));
    }


}
