package io.tributary.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Accepted events and quarantined payloads, in the database ({@code tributary_event},
 * {@code tributary_quarantine}): written through the {@link Journal}, read when asked for. Nothing
 * of them is kept in memory, so a node's heap does not grow with its history.
 */
public final class EventStore {

    /**
     * Exchange variable: the {@link Companions} to store in the same transaction as the event being
     * accepted (its deliveries, planned by the step before).
     */
    public static final String WITH_EVENT = "tributaryWithEvent";

    /**
     * Exchange variable: for a batch, each new event's {@link Companions}, by the key it is stored under
     * (a {@code Map<String, Companions>}).
     */
    public static final String WITH_EVENTS = "tributaryWithEvents";

    private static final String[] EVENT_COLUMNS = {"id", "source", "provider", "source_id", "provider_event", "type", "tenant",
            "subject", "event_time", "recorded_at", "event_key", "canonical", "payload", "headers"};
    private static final String[] EVENT_TYPES = {"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
            "VARCHAR", "TIMESTAMP", "TIMESTAMP", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"};
    private static final String[] QUARANTINE_COLUMNS = {"id", "provider", "source_id", "event_key", "provider_event", "reason",
            "detail", "tenant", "received_at", "payload", "headers"};
    private static final String[] QUARANTINE_TYPES = {"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
            "VARCHAR", "VARCHAR", "TIMESTAMP", "VARCHAR", "VARCHAR"};
    /** The longest value kept in an indexed copy of a payload field; the canonical event has it whole. */
    static final int INDEXED = 200;

    private static final Instant FAR = Instant.parse("9999-01-01T00:00:00Z");

    private final JdbcTemplate jdbc;
    private final Journal journal;
    private final SqlDialect dialect;
    private final ObjectMapper json;
    private final String insertEvent;
    private final String insertQuarantine;
    private final String insertUnmapped;

    public EventStore(JdbcTemplate jdbc, Journal journal, SqlDialect dialect, ObjectMapper json) {
        this.jdbc = jdbc;
        this.journal = journal;
        this.dialect = dialect;
        this.json = json;
        this.insertEvent = dialect.insertIfAbsent("tributary_event", EVENT_COLUMNS, EVENT_TYPES);
        this.insertQuarantine = dialect.insertIfAbsent("tributary_quarantine", QUARANTINE_COLUMNS, QUARANTINE_TYPES);
        this.insertUnmapped = dialect.insertIfAbsent("tributary_unmapped", new String[] {"id", "provider", "provider_event", "first_seen", "last_seen"},
                new String[] {"VARCHAR", "VARCHAR", "VARCHAR", "TIMESTAMP", "TIMESTAMP"});
    }

    /**
     * Stores an event unless one with its id is stored already (a provider's retry arriving after the
     * dedup window's memory was lost to a restart), and with it {@code with}, in one transaction. The
     * database answers whether the id is new: nothing is read before the insert.
     *
     * <p>{@code with.committed} runs on this thread once the commit is known; if the caller stops
     * waiting ({@link StoreUnavailable}) it runs later, when the write commits or fails.
     *
     * @return whether the event was new (and so stored with {@code with})
     */
    public boolean saveNew(StoredEvent event, Companions with) {
        CompletableFuture<Journal.Outcome> write = journal.submitNew(insert(event), with.ops());
        Journal.Outcome outcome;
        try {
            outcome = journal.await(write);
        } catch (StoreUnavailable e) {
            write.whenCompleteAsync((late, failed) -> with.committed().accept(failed == null && late.fresh()));
            throw e;
        }
        with.committed().accept(outcome.fresh());
        return outcome.fresh();
    }

    /**
     * One write of a batch: a new event with what goes with it ({@code with}, its deliveries), or a
     * quarantine entry.
     */
    public sealed interface Write {
    }

    /** An event stored unless its id is stored already, and if it is new, {@code with} beside it. */
    public record NewEvent(StoredEvent event, Companions with) implements Write {
    }

    /** A payload kept in the quarantine. */
    public record Quarantine(QuarantineEntry entry) implements Write {
    }

    /**
     * Stores a batch's events and quarantine entries in one transaction, as {@link #saveNew} does one
     * event: each event's {@code with.committed} runs once its fate is known, also after a
     * {@link StoreUnavailable} (then on a later thread).
     *
     * @return per write, in order, whether it was new (always {@code true} for a quarantine entry)
     */
    public boolean[] saveAll(List<Write> writes) {
        List<Journal.Part> parts = new ArrayList<>(writes.size());
        int[] main = new int[writes.size()]; // each write's own part; a quarantine entry may bring its drift count
        for (int i = 0; i < writes.size(); i++) {
            Write w = writes.get(i);
            if (w instanceof NewEvent n) {
                main[i] = parts.size();
                parts.add(new Journal.Part(insert(n.event()), n.with().ops()));
            } else {
                main[i] = addQuarantine(((Quarantine) w).entry(), parts);
            }
        }
        CompletableFuture<Journal.Outcome[]> write = journal.submitAll(parts);
        Journal.Outcome[] outcomes;
        try {
            outcomes = journal.await(write);
        } catch (StoreUnavailable e) {
            write.whenCompleteAsync((late, failed) -> settle(writes, main, failed == null ? late : null));
            throw e;
        }
        settle(writes, main, outcomes);
        boolean[] fresh = new boolean[writes.size()];
        for (int i = 0; i < writes.size(); i++) {
            fresh[i] = writes.get(i) instanceof Quarantine || outcomes[main[i]].fresh();
        }
        return fresh;
    }

    /** Tells each new event's companions what became of it: committed new, or not (outcomes {@code null}). */
    private static void settle(List<Write> writes, int[] main, Journal.Outcome[] outcomes) {
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i) instanceof NewEvent n) {
                n.with().committed().accept(outcomes != null && outcomes[main[i]].fresh());
            }
        }
    }

    /**
     * A quarantine entry's parts: the entry (kept once, however often its provider sends it), and for
     * an {@code unmapped} one the drift count of its provider event, counted only when the entry is new.
     *
     * @return the index of the entry's own part
     */
    private int addQuarantine(QuarantineEntry q, List<Journal.Part> parts) {
        if (!"unmapped".equals(q.reason())) {
            parts.add(new Journal.Part(null, List.of(quarantine(q))));
            return parts.size() - 1;
        }
        ReceivedPayload r = q.received();
        String name = q.providerEvent() == null ? "" : cut(q.providerEvent());
        String id = r.provider() + " " + name;
        parts.add(new Journal.Part(new Journal.Op(insertUnmapped, s -> {
            s.setString(1, id);
            s.setString(2, r.provider());
            s.setString(3, name);
            s.setTimestamp(4, Columns.timestamp(r.receivedAt()));
            s.setTimestamp(5, Columns.timestamp(r.receivedAt()));
            keyAgain(s, 6, id);
        }), List.of()));
        parts.add(new Journal.Part(quarantine(q), List.of(new Journal.Op(
                "UPDATE tributary_unmapped SET seen = seen + 1, last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END WHERE id = ?", s -> {
                    s.setTimestamp(1, Columns.timestamp(r.receivedAt()));
                    s.setTimestamp(2, Columns.timestamp(r.receivedAt()));
                    s.setString(3, id);
                }))));
        return parts.size() - 1;
    }

    /**
     * Each provider event seen unmapped: how often, first and last seen, and when it was announced
     * ({@code null}: not yet); most seen first.
     */
    public List<UnmappedEvent> unmapped() {
        return jdbc.query("SELECT id, provider, provider_event, seen, first_seen, last_seen, announced_at FROM tributary_unmapped"
                + " ORDER BY seen DESC, provider, provider_event", (rs, n) -> unmappedEvent(rs));
    }

    /** Provider events seen unmapped and not announced yet, oldest first. */
    public List<UnmappedEvent> unannounced(int limit) {
        return jdbc.query("SELECT id, provider, provider_event, seen, first_seen, last_seen, announced_at FROM tributary_unmapped"
                + " WHERE announced_at IS NULL ORDER BY first_seen FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", (rs, n) -> unmappedEvent(rs));
    }

    /** The statement that marks a provider event's first unmapped sighting announced, for the transaction that announces it. */
    public Journal.Op announced(String unmappedId, Instant at) {
        return new Journal.Op("UPDATE tributary_unmapped SET announced_at = ? WHERE id = ? AND announced_at IS NULL", s -> {
            s.setTimestamp(1, Columns.timestamp(at));
            s.setString(2, unmappedId);
        });
    }

    /** A payload as kept, with its provider event name and when it arrived. */
    public record KeptPayload(String providerEvent, String body, Instant receivedAt) {
    }

    /**
     * The latest payloads of a provider, accepted ones and quarantined ones, newest first: at most
     * {@code limit} of each.
     */
    public List<KeptPayload> latestPayloads(String provider, int limit) {
        int n = Math.max(1, limit);
        List<KeptPayload> out = new ArrayList<>(jdbc.query("SELECT provider_event, payload, recorded_at FROM "
                + dialect.through("tributary_event", "tributary_event_provider") + " WHERE provider = ?"
                + " ORDER BY recorded_at DESC, id DESC FETCH FIRST " + n + " ROWS ONLY",
                (rs, i) -> new KeptPayload(rs.getString(1), rs.getString(2), Columns.instant(rs.getTimestamp(3))), provider));
        out.addAll(jdbc.query("SELECT provider_event, payload, received_at FROM tributary_quarantine WHERE provider = ?"
                + " ORDER BY received_at DESC FETCH FIRST " + n + " ROWS ONLY",
                (rs, i) -> new KeptPayload(rs.getString(1), rs.getString(2), Columns.instant(rs.getTimestamp(3))), provider));
        return out;
    }

    /**
     * A kept raw payload, to run through a mapping again: under the key of its event or of its
     * quarantine entry.
     *
     * @param quarantined whether it is in the quarantine (else it is an accepted event's)
     */
    public record StoredPayload(String key, boolean quarantined, ReceivedPayload received) {
    }

    /**
     * The raw payloads of a provider received in {@code [from, to)} (either may be null), accepted
     * events' and quarantined ones', oldest first, at most {@code limit} of each.
     */
    public List<StoredPayload> payloads(String provider, Instant from, Instant to, int limit) {
        Instant since = from == null ? Instant.EPOCH : from;
        Instant until = to == null ? FAR : to;
        int n = Math.max(1, limit);
        List<StoredPayload> out = new ArrayList<>(jdbc.query("SELECT id, source_id, event_key, recorded_at, payload FROM "
                + dialect.through("tributary_event", "tributary_event_provider")
                + " WHERE provider = ? AND recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, id FETCH FIRST " + n + " ROWS ONLY",
                (rs, i) -> new StoredPayload(rs.getString(1), false, new ReceivedPayload(provider, rs.getString(2), rs.getString(3),
                        Columns.instant(rs.getTimestamp(4)), Map.of(), rs.getString(5))),
                provider, Columns.timestamp(since), Columns.timestamp(until)));
        out.addAll(jdbc.query("SELECT id, source_id, event_key, received_at, payload FROM tributary_quarantine"
                + " WHERE provider = ? AND received_at >= ? AND received_at < ? ORDER BY received_at, id FETCH FIRST " + n + " ROWS ONLY",
                (rs, i) -> new StoredPayload(rs.getString(1), true, new ReceivedPayload(provider, rs.getString(2), rs.getString(3),
                        Columns.instant(rs.getTimestamp(4)), Map.of(), rs.getString(5))),
                provider, Columns.timestamp(since), Columns.timestamp(until)));
        return out;
    }

    /**
     * An accepted event as kept: its key, its canonical event (and that event's text exactly as stored,
     * which a revision replaces only if it is still there) and the payload it came from.
     */
    public record KeptEvent(String key, ObjectNode event, String stored, ReceivedPayload received) {
    }

    /** How many events of a provider were received in {@code [from, to)}. */
    public long countEvents(String provider, Instant from, Instant to) {
        Long n = jdbc.queryForObject("SELECT COUNT(*) FROM " + dialect.through("tributary_event", "tributary_event_provider")
                + " WHERE provider = ? AND recorded_at >= ? AND recorded_at < ?", Long.class, provider,
                Columns.timestamp(from == null ? Instant.EPOCH : from), Columns.timestamp(to == null ? FAR : to));
        return n == null ? 0 : n;
    }

    /**
     * A page of a provider's events received in {@code [from, to)}, oldest first, after the event
     * {@code (afterAt, afterKey)} (both null for the first page).
     */
    public List<KeptEvent> eventPage(String provider, Instant from, Instant to, Instant afterAt, String afterKey, int limit) {
        Instant since = from == null ? Instant.EPOCH : from;
        String after = afterAt == null ? "" : " AND (recorded_at > ? OR (recorded_at = ? AND id > ?))";
        List<Object> args = new ArrayList<>(List.of(provider, Columns.timestamp(since), Columns.timestamp(to == null ? FAR : to)));
        if (afterAt != null) {
            args.addAll(List.of(Columns.timestamp(afterAt), Columns.timestamp(afterAt), afterKey));
        }
        return jdbc.query("SELECT id, source_id, event_key, recorded_at, payload, canonical FROM "
                + dialect.through("tributary_event", "tributary_event_provider")
                + " WHERE provider = ? AND recorded_at >= ? AND recorded_at < ?" + after
                + " ORDER BY recorded_at, id FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                (rs, i) -> new KeptEvent(rs.getString(1), (ObjectNode) read(rs.getString(6)), rs.getString(6), new ReceivedPayload(provider, rs.getString(2),
                        rs.getString(3), Columns.instant(rs.getTimestamp(4)), Map.of(), rs.getString(5))), args.toArray());
    }

    /**
     * The statement that replaces a kept event's canonical form by a new revision, only if its stored
     * text is still {@code was} (a concurrent revision wins, and this one changes no row): for the
     * transaction that also plans its deliveries, as its insert-if-new. The text as read, not the event
     * written out again, which need not match it to the character (numbers, escapes).
     */
    public Journal.Op revise(String key, String was, ObjectNode revised) {
        String before = was;
        String after = revised.toString();
        return new Journal.Op("UPDATE tributary_event SET canonical = ?, type = ?, subject = ?, tenant = ?, provider_event = ?, event_time = ?"
                + " WHERE id = ? AND canonical = ?", s -> {
                    s.setString(1, after);
                    s.setString(2, cut(revised.path("type").asText()));
                    s.setString(3, cut(text(revised, "subject")));
                    s.setString(4, cut(text(revised, "tenant")));
                    s.setString(5, cut(text(revised, "providerevent")));
                    s.setTimestamp(6, Columns.timestamp(time(text(revised, "time"))));
                    s.setString(7, key);
                    s.setString(8, before);
                });
    }

    /** Stores a revision with what goes with it (its deliveries); whether it replaced the kept one. */
    public boolean saveRevision(String key, String was, ObjectNode revised, Companions with) {
        Journal.Outcome[] outcome = journal.await(journal.submitAll(List.of(new Journal.Part(revise(key, was, revised), with.ops()))));
        with.committed().accept(outcome[0].fresh());
        return outcome[0].fresh();
    }

    /** Marks a sighting announced on its own (its announcement was stored by another member's pass). */
    public void markAnnounced(String unmappedId, Instant at) {
        journal.write(List.of(announced(unmappedId, at)));
    }

    private static UnmappedEvent unmappedEvent(ResultSet rs) throws SQLException {
        Timestamp announced = rs.getTimestamp("announced_at");
        return new UnmappedEvent(rs.getString("id"), rs.getString("provider"), rs.getString("provider_event"), rs.getLong("seen"),
                Columns.instant(rs.getTimestamp("first_seen")), Columns.instant(rs.getTimestamp("last_seen")),
                announced == null ? null : Columns.instant(announced));
    }

    /**
     * The event's row. Every value is taken out of the event here, on the caller's thread: the
     * journal's one writer thread only binds them.
     */
    private Journal.Op insert(StoredEvent stored) {
        ObjectNode e = stored.event();
        ReceivedPayload r = stored.received();
        String id = stored.id();
        String source = e.path("source").asText();
        String providerEvent = cut(text(e, "providerevent"));
        String type = cut(e.path("type").asText());
        String tenant = cut(text(e, "tenant"));
        String subject = cut(text(e, "subject"));
        Timestamp time = Columns.timestamp(time(text(e, "time")));
        Timestamp recorded = Columns.timestamp(r.receivedAt());
        String eventKey = Columns.text(r.eventKey());
        String canonical = e.toString();
        String headers = write(r.headers());
        return new Journal.Op(insertEvent, s -> {
            s.setString(1, id);
            s.setString(2, source);
            s.setString(3, r.provider());
            s.setString(4, r.sourceId());
            s.setString(5, providerEvent);
            s.setString(6, type);
            s.setString(7, tenant);
            s.setString(8, subject);
            s.setTimestamp(9, time);
            s.setTimestamp(10, recorded);
            s.setString(11, eventKey);
            s.setString(12, canonical);
            s.setString(13, r.body());
            s.setString(14, headers);
            keyAgain(s, 15, id);
        });
    }

    public Optional<StoredEvent> event(String id) {
        return jdbc.query("SELECT id, canonical, provider, source_id, event_key, recorded_at, headers, payload"
                + " FROM tributary_event WHERE id = ?", rows -> {
                    if (!rows.next()) {
                        return Optional.<StoredEvent>empty();
                    }
                    return Optional.of(new StoredEvent(rows.getString(1), (ObjectNode) read(rows.getString(2)),
                            received(rows, 3)));
                }, id);
    }

    /**
     * Accepted events that meet the query, newest first (time of receipt, then key): a page of at most
     * {@code limit}; the next page starts after the last one's {@link EventSummary#cursor()}. Each
     * criterion is one of the indexed columns, so a search stays fast with millions of events.
     */
    public List<EventSummary> search(EventQuery q) {
        // A search by type, provider or source alone matches a large share of all events: reading the
        // newest off the time index and filtering finds a page at once, where H2 would sort every match.
        boolean broad = q.keys().isEmpty() && q.tenant() == null && q.subject() == null && q.from() == null && q.to() == null;
        StringBuilder sql = new StringBuilder("SELECT id, canonical, type, provider, source_id, tenant, subject, event_time, recorded_at"
                + " FROM " + (broad ? dialect.through("tributary_event", "tributary_event_recorded") : "tributary_event") + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!q.keys().isEmpty()) {
            sql.append(" AND id IN (").append(String.join(", ", Collections.nCopies(q.keys().size(), "?"))).append(')');
            args.addAll(q.keys());
        }
        if (q.type() != null && q.type().endsWith(".*")) {
            sql.append(" AND type LIKE ? ESCAPE '!'");
            args.add(q.type().substring(0, q.type().length() - 1).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%");
        } else if (q.type() != null) {
            sql.append(" AND type = ?");
            args.add(q.type());
        }
        equal(sql, args, "provider", q.provider());
        equal(sql, args, "source_id", q.sourceId());
        equal(sql, args, "tenant", q.tenant() == null ? null : Columns.cut(q.tenant(), 200));
        equal(sql, args, "subject", q.subject() == null ? null : Columns.cut(q.subject(), 200));
        if (q.from() != null) {
            sql.append(" AND recorded_at >= ?");
            args.add(Timestamp.from(q.from()));
        }
        if (q.to() != null) {
            sql.append(" AND recorded_at < ?");
            args.add(Timestamp.from(q.to()));
        }
        if (q.after() != null) {
            Timestamp at = Timestamp.from(q.after().recordedAt());
            // the first condition alone is a range of the time indexes; the second leaves out the page before
            sql.append(" AND recorded_at <= ? AND (recorded_at < ? OR id < ?)");
            args.add(at);
            args.add(at);
            args.add(q.after().key());
        }
        sql.append(" ORDER BY recorded_at DESC, id DESC FETCH FIRST ").append(Math.max(1, q.limit())).append(" ROWS ONLY");
        return jdbc.query(sql.toString(), (rows, n) -> new EventSummary(rows.getString(1), read(rows.getString(2)).path("id").asText(),
                rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6), rows.getString(7),
                Columns.instant(rows.getTimestamp(8)), Columns.instant(rows.getTimestamp(9))), args.toArray());
    }

    /**
     * Accepted events since {@code since} counted by provider, type and bucket of {@code bucketSeconds}
     * (by time of receipt): what the console's charts draw. One grouped query over the receipt index.
     */
    public List<ActivityCount> activity(Instant since, int bucketSeconds) {
        String bucket = bucket("recorded_at", bucketSeconds);
        return jdbc.query("SELECT " + bucket + ", provider, type, COUNT(*) FROM tributary_event WHERE recorded_at >= ?"
                + " GROUP BY " + bucket + ", provider, type",
                (rows, n) -> new ActivityCount(bucketStart(rows.getLong(1), bucketSeconds), rows.getString(2), rows.getString(3),
                        rows.getLong(4)), Timestamp.from(since));
    }

    /**
     * The SQL (H2 and PostgreSQL alike) of the bucket a timestamp column falls in: its seconds since
     * 1970 as the column holds them, divided by the bucket's length.
     */
    public static String bucket(String column, int bucketSeconds) {
        if (bucketSeconds < 1) {
            throw new IllegalArgumentException("bucket of " + bucketSeconds + " s");
        }
        return "FLOOR(EXTRACT(EPOCH FROM " + column + ") / " + bucketSeconds + ")";
    }

    /** The start of bucket {@code n}: the columns hold the JVM's local time, as JDBC wrote it. */
    public static Instant bucketStart(long n, int bucketSeconds) {
        return Timestamp.valueOf(java.time.LocalDateTime.ofEpochSecond(n * bucketSeconds, 0, java.time.ZoneOffset.UTC)).toInstant();
    }

    private static void equal(StringBuilder sql, List<Object> args, String column, String value) {
        if (value != null) {
            sql.append(" AND ").append(column).append(" = ?");
            args.add(value);
        }
    }

    /** The canonical event alone, for a delivery that was not handed it. */
    public Optional<ObjectNode> canonical(String id) {
        return jdbc.query("SELECT canonical FROM tributary_event WHERE id = ?",
                rows -> rows.next() ? Optional.of((ObjectNode) read(rows.getString(1))) : Optional.<ObjectNode>empty(), id);
    }

    /** The canonical events of these ids that are stored, by id: a query per 500 ids. */
    public Map<String, ObjectNode> canonical(Collection<String> ids) {
        Map<String, ObjectNode> found = new HashMap<>();
        List<String> all = List.copyOf(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            jdbc.query("SELECT id, canonical FROM tributary_event WHERE id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?"))
                    + ")", rows -> {
                        found.put(rows.getString(1), (ObjectNode) read(rows.getString(2)));
                    }, chunk.toArray());
        }
        return found;
    }

    /** Keeps a payload that did not map (the first time its id is seen); returns once it is committed. */
    public void save(QuarantineEntry entry) {
        List<Journal.Part> parts = new ArrayList<>();
        addQuarantine(entry, parts);
        journal.await(journal.submitAll(parts));
    }

    private Journal.Op quarantine(QuarantineEntry q) {
        ReceivedPayload r = q.received();
        String headers = write(r.headers());
        return new Journal.Op(insertQuarantine, s -> {
            s.setString(1, q.id());
            s.setString(2, r.provider());
            s.setString(3, r.sourceId());
            s.setString(4, Columns.text(r.eventKey()));
            s.setString(5, cut(q.providerEvent()));
            s.setString(6, q.reason());
            s.setString(7, Columns.text(q.detail()));
            s.setString(8, q.tenant());
            s.setTimestamp(9, Columns.timestamp(r.receivedAt()));
            s.setString(10, r.body());
            s.setString(11, headers);
            keyAgain(s, 12, q.id());
        });
    }

    /** A quarantined payload that failed again on replay: the new reason replaces the old. */
    public void requarantine(QuarantineEntry q) {
        journal.write(List.of(new Journal.Op("UPDATE tributary_quarantine SET reason = ?, detail = ?, provider_event = ? WHERE id = ?",
                s -> {
                    s.setString(1, q.reason());
                    s.setString(2, Columns.text(q.detail()));
                    s.setString(3, cut(q.providerEvent()));
                    s.setString(4, q.id());
                })));
    }

    /** The statement that takes a payload out of the quarantine, for the transaction that accepts it. */
    public Journal.Op release(String quarantineId) {
        return new Journal.Op("DELETE FROM tributary_quarantine WHERE id = ?", s -> s.setString(1, quarantineId));
    }

    /** Takes a payload out of the quarantine; returns once committed. */
    public void forget(String quarantineId) {
        journal.write(List.of(release(quarantineId)));
    }

    public Optional<QuarantineEntry> quarantined(String id) {
        List<QuarantineEntry> found = jdbc.query(QUARANTINE_SELECT + " WHERE id = ?", (rows, n) -> quarantineEntry(rows), id);
        return found.stream().findFirst();
    }

    /** Quarantined payloads, newest first. */
    public List<QuarantineEntry> quarantined(int limit) {
        return quarantined(null, null, limit);
    }

    /**
     * Quarantined payloads of one provider, one reason, or both (null for any), newest first. The
     * provider-reason index serves a group, so listing one stays fast however large the quarantine.
     */
    public List<QuarantineEntry> quarantined(String provider, String reason, int limit) {
        StringBuilder sql = new StringBuilder(QUARANTINE_SELECT).append(" WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        equal(sql, args, "provider", provider);
        equal(sql, args, "reason", reason);
        sql.append(" ORDER BY received_at DESC, id FETCH FIRST ").append(Math.max(1, limit)).append(" ROWS ONLY");
        return jdbc.query(sql.toString(), (rows, n) -> quarantineEntry(rows), args.toArray());
    }

    /** The quarantine by provider and reason, the largest group first. */
    public List<QuarantineGroup> quarantineGroups() {
        return jdbc.query("SELECT provider, reason, COUNT(*), MIN(received_at), MAX(received_at) FROM tributary_quarantine"
                + " GROUP BY provider, reason ORDER BY COUNT(*) DESC, provider, reason",
                (rows, n) -> new QuarantineGroup(rows.getString(1), rows.getString(2), rows.getLong(3),
                        Columns.instant(rows.getTimestamp(4)), Columns.instant(rows.getTimestamp(5))));
    }

    private static final String QUARANTINE_SELECT = "SELECT id, reason, provider_event, detail, tenant,"
            + " provider, source_id, event_key, received_at, headers, payload FROM tributary_quarantine";

    private QuarantineEntry quarantineEntry(ResultSet rows) throws SQLException {
        return new QuarantineEntry(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getString(5), received(rows, 6));
    }

    /** The provider request from six columns starting at {@code at}: provider, source, event key, time, headers, body. */
    private ReceivedPayload received(ResultSet rows, int at) throws SQLException {
        Map<String, String> headers;
        try {
            headers = json.readValue(rows.getString(at + 4), new TypeReference<Map<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new ReceivedPayload(rows.getString(at), rows.getString(at + 1), rows.getString(at + 2),
                rows.getTimestamp(at + 3).toInstant(), headers, rows.getString(at + 5));
    }

    private void keyAgain(PreparedStatement s, int at, String key) throws SQLException {
        if (dialect.keyTwice()) {
            s.setString(at, key);
        }
    }

    private static String text(ObjectNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static String cut(String value) {
        return Columns.cut(value, INDEXED);
    }

    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
    }


    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private com.fasterxml.jackson.databind.JsonNode read(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
