package db.migration;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what earlier versions kept in {@code tributary_entry} (one JSON row per Hazelcast map entry)
 * into the tables of V2, then drops {@code tributary_entry}. Plain JDBC and portable SQL: the same
 * code upgrades an H2 file and a PostgreSQL database.
 *
 * <p>The values are read as JSON trees, not as the application's records: those change with the
 * schema, and this migration must read what the old version wrote. Rows are streamed (a forward-only
 * cursor with a fetch size; PostgreSQL honours it because Flyway runs the migration in a transaction)
 * and inserted in batches, so a database of millions of rows upgrades in bounded memory.
 *
 * <p>Nothing is lost silently: a row that cannot be read, or that cannot become a valid row of its new
 * table, fails the migration with a message naming its map and key, and Flyway rolls the migration
 * back, {@code tributary_entry} untouched (on H2, which cannot roll back DDL, Flyway also records V3 as
 * failed; the error logged says how to clear that). Only the per-subscription failure counts are
 * dropped (the new version keeps them in memory only); rows of a map this version does not know are
 * left out and counted in the log. PostgreSQL text cannot hold U+0000: in descriptive columns (see
 * {@link #DESCRIPTIVE}) it becomes U+FFFD, counted in the log; anywhere else it fails the migration.
 */
public class V3__entries_to_tables extends BaseJavaMigration {

    private static final Logger log = LoggerFactory.getLogger(V3__entries_to_tables.class);

    static final String EVENTS = "tributary-events";
    static final String QUARANTINE = "tributary-quarantine";
    static final String SUBSCRIPTIONS = "tributary-subscriptions";
    static final String DELIVERIES = "tributary-deliveries";
    static final String DEAD_LETTERS = "tributary-dead-letters";
    static final String FAILURES = "tributary-subscription-failures";

    /** Rows per executeBatch, rows per fetch of the cursor, and dead letters per existence check. */
    static final int BATCH = 500;
    private static final int PROGRESS_EVERY = 100_000;
    /** The indexed copies of payload fields (provider_event, type, tenant, subject) are cut to this. */
    private static final int CUT = 200;
    /** Integral epoch values above this are milliseconds, below it seconds (as the canonical mapper reads them). */
    private static final long MILLIS_THRESHOLD = 100_000_000_000L;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    /**
     * Columns of text that describes (copies of canonical fields, a reason, a response excerpt, an error)
     * rather than identifies or is replayed: on PostgreSQL, whose text cannot hold U+0000, a NUL there
     * becomes U+FFFD (and is counted in the log). In any other column it fails the migration. The
     * canonical event, headers and definitions are JSON, where a NUL is escaped; on H2 nothing changes.
     */
    private static final Set<String> DESCRIPTIVE = Set.of("provider_event", "type", "tenant", "subject", "detail", "reason",
            "response", "error");
    private static final Set<String> STATUSES = Set.of("PENDING", "SENDING", "SUCCEEDED", "RETRY_SCHEDULED", "EXHAUSTED");
    private static final Set<String> SETTLED = Set.of("SUCCEEDED", "EXHAUSTED");

    private static final String INSERT_EVENT = "INSERT INTO tributary_event (id, source, provider, source_id, provider_event,"
            + " type, tenant, subject, event_time, recorded_at, event_key, canonical, payload, headers)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_QUARANTINE = "INSERT INTO tributary_quarantine (id, provider, source_id, event_key,"
            + " provider_event, reason, detail, tenant, received_at, payload, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_SUBSCRIPTION = "INSERT INTO tributary_subscription (id, url, paused, created_at,"
            + " updated_at, definition) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DELIVERY = "INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held,"
            + " attempt_count, created_at, next_attempt_at, settled_at, claim, lease_owner, lease_until)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)";
    private static final String INSERT_ATTEMPT = "INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at,"
            + " status, response_duration_ms, response, error, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_DEAD_LETTER = "INSERT INTO tributary_dead_letter (id, event_id, subscription_id,"
            + " dead_at, reason, subscription) VALUES (?, ?, ?, ?, ?, ?)";

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        try {
            new Run(c, postgres).migrate();
        } catch (FlywayException e) {
            // Flyway reports a Java migration's failure as "Migration failed !", this only as the cause: say it plainly.
            log.error("{}{}", e.getMessage(), postgres ? "" : " On H2, which cannot roll back DDL, Flyway also records V3 as failed:"
                    + " before starting again, DELETE FROM \"flyway_schema_history\" WHERE \"version\" = '3' (or run flyway repair).");
            throw e;
        }
    }

    /** One row of {@code tributary_entry}. */
    private record Entry(String map, String key, String value, Instant updatedAt) {
    }

    /** A row that cannot be migrated: names its map and key, so an operator can look at it. */
    static final class Unmigratable extends FlywayException {
        Unmigratable(Entry entry, String why) {
            super("V3 cannot migrate the entry '" + entry.key() + "' of map '" + entry.map() + "': " + why
                    + ". Nothing was migrated; correct or delete that row (SELECT * FROM tributary_entry WHERE map_name = '"
                    + entry.map() + "' AND entry_key = '" + entry.key().replace("'", "''") + "') and start again.");
        }
    }

    /** One run of the migration on one connection. */
    private static final class Run {

        private final Connection c;
        private final boolean postgres;
        private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        /** Per map, the values whose NUL characters were replaced (PostgreSQL only). */
        private final Map<String, Long> nulsReplaced = new TreeMap<>();

        Run(Connection c, boolean postgres) {
            this.c = c;
            this.postgres = postgres;
        }

        void migrate() throws SQLException {
            if (c.getAutoCommit()) {
                log.warn("V3 runs with autocommit on: PostgreSQL then reads each map at once rather than {} rows at a time", BATCH);
            }
            subscriptions();
            events();
            quarantine();
            deliveries();
            deadLetters();
            leftOut();
            nulsReplaced.forEach((map, n) -> log.warn("V3: {} values of {} held NUL characters (U+0000), which PostgreSQL text"
                    + " cannot hold: replaced by U+FFFD in {} (an event's canonical JSON keeps the original)", n, map, DESCRIPTIVE));
            try (Statement drop = c.createStatement()) {
                drop.execute("DROP TABLE tributary_entry");
            }
            log.info("V3: tributary_entry dropped");
        }

        // ---------------------------------------------------------------- maps

        private void subscriptions() throws SQLException {
            try (Batch insert = new Batch(INSERT_SUBSCRIPTION, "tributary_subscription")) {
                long n = eachEntry(SUBSCRIPTIONS, e -> {
                    ObjectNode s = object(e);
                    Instant created = instant(e, s, "createdAt");
                    Instant updated = instant(e, s, "updatedAt");
                    created = created != null ? created : updated != null ? updated : e.updatedAt();
                    updated = updated != null ? updated : created;
                    new Bind(insert, e)
                            .text("id", e.key(), 128, true)
                            .text("url", text(s.get("url")), 2048, true)
                            .bool(s.path("paused").asBoolean(false))
                            .time(created)
                            .time(updated)
                            .text("definition", e.value(), 0, true);
                    insert.add(e);
                });
                insert.flush();
                log.info("V3: {} rows of {} moved to tributary_subscription", n, SUBSCRIPTIONS);
            }
        }

        private void events() throws SQLException {
            try (Batch insert = new Batch(INSERT_EVENT, "tributary_event")) {
                long n = eachEntry(EVENTS, e -> {
                    ObjectNode stored = object(e);
                    if (!(stored.get("event") instanceof ObjectNode event)) {
                        throw new Unmigratable(e, "it has no canonical event (field 'event')");
                    }
                    JsonNode received = received(e, stored);
                    String provider = firstText(received.get("provider"), event.get("provider"));
                    String sourceId = text(received.get("sourceId"));
                    String source = text(event.get("source"));
                    if (sourceId == null && source != null && source.startsWith("/providers/")) {
                        sourceId = source.substring(source.lastIndexOf('/') + 1); // /providers/{provider}/{sourceId}
                    }
                    if (source == null && provider != null && sourceId != null) {
                        source = "/providers/" + provider + "/" + sourceId;
                    }
                    Instant recorded = instant(e, received, "receivedAt");
                    if (recorded == null) {
                        recorded = instant(e, event, "recordedtime");
                    }
                    new Bind(insert, e)
                            .text("id", e.key(), 512, true)
                            .text("source", source, 0, true)
                            .text("provider", provider, 64, true)
                            .text("source_id", sourceId, 256, true)
                            .cut("provider_event", text(event.get("providerevent")), false)
                            .cut("type", text(event.get("type")), true)
                            .cut("tenant", text(event.get("tenant")), false)
                            .cut("subject", text(event.get("subject")), false)
                            .time(lenientInstant(event.get("time")))
                            .time(recorded != null ? recorded : e.updatedAt())
                            .text("event_key", text(received.get("eventKey")), 256, false)
                            .text("canonical", write(e, event), 0, true)
                            .text("payload", body(received), 0, true)
                            .text("headers", headers(e, received), 0, true);
                    insert.add(e);
                });
                insert.flush();
                log.info("V3: {} rows of {} moved to tributary_event", n, EVENTS);
            }
        }

        private void quarantine() throws SQLException {
            try (Batch insert = new Batch(INSERT_QUARANTINE, "tributary_quarantine")) {
                long n = eachEntry(QUARANTINE, e -> {
                    ObjectNode q = object(e);
                    JsonNode received = received(e, q);
                    Instant at = instant(e, received, "receivedAt");
                    new Bind(insert, e)
                            .text("id", e.key(), 512, true)
                            .text("provider", text(received.get("provider")), 64, true)
                            .text("source_id", text(received.get("sourceId")), 256, true)
                            .text("event_key", text(received.get("eventKey")), 256, false)
                            .cut("provider_event", text(q.get("providerEvent")), false)
                            .text("reason", text(q.get("reason")), 32, true)
                            .text("detail", text(q.get("detail")), 0, false)
                            .text("tenant", text(q.get("tenant")), 256, false)
                            .time(at != null ? at : e.updatedAt())
                            .text("payload", body(received), 0, true)
                            .text("headers", headers(e, received), 0, true);
                    insert.add(e);
                });
                insert.flush();
                log.info("V3: {} rows of {} moved to tributary_quarantine", n, QUARANTINE);
            }
        }

        private void deliveries() throws SQLException {
            try (Batch deliveries = new Batch(INSERT_DELIVERY, "tributary_delivery");
                 Batch attempts = new Batch(INSERT_ATTEMPT, "tributary_attempt")) {
                long[] attemptRows = {0};
                long n = eachEntry(DELIVERIES, e -> {
                    ObjectNode d = object(e);
                    attemptRows[0] += delivery(e, d, null, e.updatedAt(), deliveries, attempts);
                });
                deliveries.flush();
                attempts.flush();
                log.info("V3: {} rows of {} moved to tributary_delivery, with {} attempts to tributary_attempt",
                        n, DELIVERIES, attemptRows[0]);
            }
        }

        /**
         * Adds one delivery and its attempts to the batches.
         *
         * @param status  the status to store, or null for the one in {@code d}
         * @param settled when it settled if no attempt says
         * @return the attempts added
         */
        private int delivery(Entry e, ObjectNode d, String status, Instant settled, Batch deliveries, Batch attempts)
                throws SQLException {
            if (status == null) {
                status = text(d.get("status"));
                if (status == null || !STATUSES.contains(status)) {
                    throw new Unmigratable(e, status == null ? "it has no status" : "unknown status '" + status + "'");
                }
                if (status.equals("SENDING")) {
                    status = "PENDING"; // an attempt in flight when the old version stopped: due again
                }
            }
            JsonNode all = d.path("attempts");
            if (!all.isMissingNode() && !all.isNull() && !all.isArray()) {
                throw new Unmigratable(e, "its attempts are not a list");
            }
            List<JsonNode> list = new ArrayList<>();
            all.forEach(list::add);
            for (JsonNode a : list) {
                if (!a.isObject()) {
                    throw new Unmigratable(e, "an attempt is not an object");
                }
            }
            Instant created = instant(e, d, "createdAt");
            created = created != null ? created : e.updatedAt();
            Instant next = instant(e, d, "nextAttemptAt");
            Instant settledAt = null;
            if (SETTLED.contains(status)) {
                Instant lastAt = list.isEmpty() ? null : instant(e, list.get(list.size() - 1), "at");
                settledAt = lastAt != null ? lastAt : settled;
            } else if (next == null) {
                next = created; // due at once
            }
            new Bind(deliveries, e)
                    .text("id", e.key(), 700, true)
                    .text("event_id", text(d.get("eventId")), 512, true)
                    .text("subscription_id", text(d.get("subscriptionId")), 128, true)
                    .text("status", status, 16, true)
                    .bool(d.path("held").asBoolean(false))
                    .integer(list.size())
                    .time(created)
                    .time(next)
                    .time(settledAt)
                    .integer(integer(e, d, "dispatch", 0));
            deliveries.add(e);
            for (int i = 0; i < list.size(); i++) {
                JsonNode a = list.get(i);
                Instant at = instant(e, a, "at");
                new Bind(attempts, e)
                        .text("delivery_id", e.key(), 700, true)
                        .integer(integer(e, a, "number", i + 1))
                        .time(at != null ? at : e.updatedAt())
                        .integer(integer(e, a, "status", null))
                        .bigint(longValue(e, a, "responseDurationMs"))
                        .text("response", text(a.get("response")), 0, false)
                        .text("error", text(a.get("error")), 0, false)
                        .time(instant(e, a, "nextAttemptAt"));
                attempts.add(e);
            }
            return list.size();
        }

        /**
         * Dead letters, a batch at a time: one query per chunk tells which have their delivery
         * among the migrated deliveries (the others get it from their embedded copy) and which event
         * is no longer stored (only counted: the new schema keeps no copy of it in the dead letter).
         */
        private void deadLetters() throws SQLException {
            long[] counts = new long[3]; // dead letters, deliveries added, without their event
            try (Batch letters = new Batch(INSERT_DEAD_LETTER, "tributary_dead_letter");
                 Batch deliveries = new Batch(INSERT_DELIVERY, "tributary_delivery");
                 Batch attempts = new Batch(INSERT_ATTEMPT, "tributary_attempt")) {
                List<Entry> chunk = new ArrayList<>();
                long n = eachEntry(DEAD_LETTERS, e -> {
                    chunk.add(e);
                    if (chunk.size() == BATCH) {
                        deadLetters(chunk, letters, deliveries, attempts, counts);
                        chunk.clear();
                    }
                });
                deadLetters(chunk, letters, deliveries, attempts, counts);
                letters.flush();
                deliveries.flush();
                attempts.flush();
                log.info("V3: {} rows of {} moved to tributary_dead_letter; {} of them brought their delivery, absent from {}",
                        n, DEAD_LETTERS, counts[1], DELIVERIES);
            }
            if (counts[2] > 0) {
                log.warn("V3: {} dead letters name an event no longer stored (past the retention); the copy of it they"
                        + " carried is not kept", counts[2]);
            }
        }

        private void deadLetters(List<Entry> chunk, Batch letters, Batch deliveries, Batch attempts, long[] counts)
                throws SQLException {
            if (chunk.isEmpty()) {
                return;
            }
            List<ObjectNode> values = new ArrayList<>();
            List<String> deliveryIds = new ArrayList<>();
            List<String> eventIds = new ArrayList<>();
            for (Entry e : chunk) {
                ObjectNode dl = object(e);
                values.add(dl);
                deliveryIds.add(e.key());
                JsonNode embedded = dl.path("delivery");
                eventIds.add(firstText(dl.get("eventId"), embedded.get("eventId")));
            }
            Set<String> storedDeliveries = existing("tributary_delivery", deliveryIds);
            Set<String> storedEvents = existing("tributary_event", eventIds);
            for (int i = 0; i < chunk.size(); i++) {
                Entry e = chunk.get(i);
                ObjectNode dl = values.get(i);
                JsonNode embedded = dl.path("delivery");
                if (!embedded.isMissingNode() && !embedded.isNull() && !embedded.isObject()) {
                    throw new Unmigratable(e, "its delivery is not an object");
                }
                ObjectNode delivery = embedded instanceof ObjectNode o ? o.deepCopy() : json.createObjectNode();
                String eventId = firstText(dl.get("eventId"), delivery.get("eventId"));
                String subscriptionId = firstText(dl.get("subscriptionId"), delivery.get("subscriptionId"));
                delivery.put("eventId", eventId);
                delivery.put("subscriptionId", subscriptionId);
                Instant deadAt = instant(e, dl, "deadAt");
                deadAt = deadAt != null ? deadAt : e.updatedAt();

                JsonNode last = null;
                for (JsonNode a : delivery.path("attempts")) {
                    last = a;
                }
                String reason = null;
                if (last != null) {
                    reason = text(last.get("error"));
                    if (reason == null || reason.isBlank()) {
                        String status = text(last.get("status"));
                        reason = status != null ? "HTTP " + status : null;
                    }
                }
                JsonNode subscription = dl.get("subscription"); // as it was, stored without its secrets
                new Bind(letters, e)
                        .text("id", e.key(), 700, true)
                        .text("event_id", eventId, 512, true)
                        .text("subscription_id", subscriptionId, 128, true)
                        .time(deadAt)
                        .text("reason", reason, 0, false)
                        .text("subscription", subscription == null || subscription.isNull() ? null : write(e, subscription), 0, false);
                letters.add(e);
                if (!storedDeliveries.contains(e.key())) {
                    delivery(e, delivery, "EXHAUSTED", deadAt, deliveries, attempts);
                    counts[1]++;
                }
                if (!storedEvents.contains(eventId)) {
                    counts[2]++;
                }
                counts[0]++;
            }
        }

        /** Which of {@code ids} are the id of a row of {@code table}. */
        private Set<String> existing(String table, List<String> ids) throws SQLException {
            Set<String> found = new HashSet<>();
            List<String> wanted = ids.stream().filter(Objects::nonNull).distinct().toList();
            if (wanted.isEmpty()) {
                return found;
            }
            String marks = String.join(", ", Collections.nCopies(wanted.size(), "?"));
            try (PreparedStatement select = c.prepareStatement("SELECT id FROM " + table + " WHERE id IN (" + marks + ")")) {
                for (int i = 0; i < wanted.size(); i++) {
                    select.setString(i + 1, wanted.get(i));
                }
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
            }
            return found;
        }

        /** Logs the rows not moved: the failure counts (dropped by design) and those of any map this version does not know. */
        private void leftOut() throws SQLException {
            List<String> known = List.of(EVENTS, QUARANTINE, SUBSCRIPTIONS, DELIVERIES, DEAD_LETTERS);
            try (PreparedStatement count = c.prepareStatement(
                    "SELECT map_name, COUNT(*) FROM tributary_entry WHERE map_name NOT IN (?, ?, ?, ?, ?) GROUP BY map_name ORDER BY map_name")) {
                for (int i = 0; i < known.size(); i++) {
                    count.setString(i + 1, known.get(i));
                }
                try (ResultSet rows = count.executeQuery()) {
                    while (rows.next()) {
                        String map = rows.getString(1);
                        long n = rows.getLong(2);
                        if (map.equals(FAILURES)) {
                            log.info("V3: {} rows of {} not migrated: the failure counts are kept in memory now", n, map);
                        } else {
                            log.warn("V3: {} rows of map '{}' not migrated: this version does not know that map", n, map);
                        }
                    }
                }
            }
        }

        // ---------------------------------------------------------------- reading

        private interface EntryHandler {
            void accept(Entry entry) throws SQLException;
        }

        /** Streams the rows of one map to {@code handler}; the number of rows. */
        private long eachEntry(String map, EntryHandler handler) throws SQLException {
            long n = 0;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT entry_key, entry_value, updated_at FROM tributary_entry WHERE map_name = ?",
                    ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
                select.setFetchSize(BATCH);
                select.setString(1, map);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        Timestamp updated = rows.getTimestamp(3);
                        handler.accept(new Entry(map, rows.getString(1), rows.getString(2), updated.toInstant()));
                        if (++n % PROGRESS_EVERY == 0) {
                            log.info("V3: {} rows of {} so far", n, map);
                        }
                    }
                }
            }
            return n;
        }

        private ObjectNode object(Entry e) {
            JsonNode tree;
            try {
                tree = json.readTree(e.value());
            } catch (JsonProcessingException x) {
                // Where, not what: the parser's message quotes the text it choked on, which may be a payload.
                JsonLocation at = x.getLocation();
                throw new Unmigratable(e, "its value is not readable JSON (" + x.getClass().getSimpleName()
                        + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()) + ")");
            }
            if (!(tree instanceof ObjectNode o)) {
                throw new Unmigratable(e, "its value is not a JSON object");
            }
            return o;
        }

        /** The provider request an event or quarantine entry carries; an empty object if it has none. */
        private JsonNode received(Entry e, ObjectNode value) {
            JsonNode received = value.get("received");
            if (received == null || received.isNull()) {
                return json.createObjectNode();
            }
            if (!received.isObject()) {
                throw new Unmigratable(e, "its request ('received') is not an object");
            }
            return received;
        }

        private static String body(JsonNode received) {
            String body = text(received.get("body"));
            return body != null ? body : "";
        }

        private String headers(Entry e, JsonNode received) {
            JsonNode headers = received.get("headers");
            return headers == null || headers.isNull() ? "{}" : write(e, headers);
        }

        private String write(Entry e, JsonNode node) {
            try {
                return json.writeValueAsString(node);
            } catch (JsonProcessingException x) {
                throw new Unmigratable(e, "it cannot be written back as JSON (" + x.getClass().getSimpleName() + ")");
            }
        }

        private static String text(JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            return node.isContainerNode() ? node.toString() : node.asText();
        }

        private static String firstText(JsonNode... nodes) {
            for (JsonNode node : nodes) {
                String text = text(node);
                if (text != null) {
                    return text;
                }
            }
            return null;
        }

        /** The instant of a field: null when absent; the migration fails when it is there but unreadable. */
        private static Instant instant(Entry e, JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            Instant at = lenientInstant(node);
            if (at == null) {
                throw new Unmigratable(e, "its field '" + field + "' is not a time: " + cut(node.toString(), 64));
            }
            return at;
        }

        /**
         * An instant as Jackson wrote it: ISO-8601 (normally), or an epoch number: seconds with a
         * fraction, an integer of milliseconds (of seconds when it is too small to be milliseconds).
         * Null when there is none or it is not a time.
         */
        static Instant lenientInstant(JsonNode node) {
            if (node == null || node.isNull() || node.isMissingNode()) {
                return null;
            }
            try {
                if (node.isNumber()) {
                    return epoch(node.decimalValue(), node.isFloatingPointNumber());
                }
                if (!node.isTextual()) {
                    return null;
                }
                String s = node.textValue().trim();
                if (NUMBER.matcher(s).matches()) {
                    return epoch(new BigDecimal(s), s.contains("."));
                }
                try {
                    return Instant.parse(s);
                } catch (DateTimeException notAnInstant) {
                    return OffsetDateTime.parse(s).toInstant();
                }
            } catch (DateTimeException | ArithmeticException e) {
                return null;
            }
        }

        /** @param fraction seconds with a fraction; otherwise whole milliseconds (or seconds, if too small for milliseconds) */
        private static Instant epoch(BigDecimal n, boolean fraction) {
            if (!fraction) {
                long whole = n.longValueExact();
                return Math.abs(whole) >= MILLIS_THRESHOLD ? Instant.ofEpochMilli(whole) : Instant.ofEpochSecond(whole);
            }
            BigDecimal seconds = n.setScale(0, RoundingMode.FLOOR);
            long nanos = n.subtract(seconds).movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
            return Instant.ofEpochSecond(seconds.longValueExact(), nanos);
        }

        private static Integer integer(Entry e, JsonNode parent, String field, Integer otherwise) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return otherwise;
            }
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                return node.intValue();
            }
            if (node.isTextual() && node.textValue().trim().matches("-?\\d{1,9}")) {
                return Integer.valueOf(node.textValue().trim());
            }
            throw new Unmigratable(e, "its field '" + field + "' is not an integer: " + cut(node.toString(), 64));
        }

        private static long longValue(Entry e, JsonNode parent, String field) {
            JsonNode node = parent.get(field);
            if (node == null || node.isNull()) {
                return 0;
            }
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
            if (node.isNumber()) {
                return Math.round(node.doubleValue());
            }
            throw new Unmigratable(e, "its field '" + field + "' is not a number: " + cut(node.toString(), 64));
        }

        /** At most {@code max} characters, never half a surrogate pair. */
        static String cut(String s, int max) {
            if (s == null || s.length() <= max) {
                return s;
            }
            int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
            return s.substring(0, end);
        }

        // ---------------------------------------------------------------- writing

        /** One insert statement, executed a batch of rows at a time. */
        private final class Batch implements AutoCloseable {
            private final PreparedStatement statement;
            private final String table;
            private int pending;
            private Entry first;
            private Entry last;

            Batch(String sql, String table) throws SQLException {
                this.statement = c.prepareStatement(sql);
                this.table = table;
            }

            void add(Entry e) throws SQLException {
                statement.addBatch();
                first = first == null ? e : first;
                last = e;
                if (++pending >= BATCH) {
                    flush();
                }
            }

            void flush() throws SQLException {
                if (pending == 0) {
                    return;
                }
                try {
                    statement.executeBatch();
                } catch (SQLException x) {
                    SQLException next = x.getNextException(); // PostgreSQL's reason for a failed batch is here
                    throw new FlywayException("V3 could not insert into " + table + " the rows of map '" + first.map()
                            + "' from the entry '" + first.key() + "' to '" + last.key() + "' (SQL state "
                            + (next != null ? next.getSQLState() : x.getSQLState()) + "); nothing was migrated", x);
                }
                pending = 0;
                first = null;
                last = null;
            }

            @Override
            public void close() throws SQLException {
                statement.close();
            }
        }

        /** Binds one row's parameters in order, checking each against its column. */
        private final class Bind {
            private final PreparedStatement statement;
            private final Entry entry;
            private int at = 1;

            Bind(Batch batch, Entry entry) {
                this.statement = batch.statement;
                this.entry = entry;
            }

            /** @param max the column's length, 0 for unbounded */
            Bind text(String column, String value, int max, boolean required) throws SQLException {
                if (value == null) {
                    if (required) {
                        throw new Unmigratable(entry, "it has no " + column);
                    }
                    statement.setNull(at++, Types.VARCHAR);
                    return this;
                }
                if (max > 0 && value.length() > max) {
                    throw new Unmigratable(entry, "its " + column + " is " + value.length() + " characters long, the column holds " + max);
                }
                if (postgres && value.indexOf('\0') >= 0) {
                    if (!DESCRIPTIVE.contains(column)) {
                        throw new Unmigratable(entry, "its " + column + " holds a NUL character (U+0000), which PostgreSQL text cannot");
                    }
                    value = value.replace('\0', '\uFFFD');
                    nulsReplaced.merge(entry.map(), 1L, Long::sum);
                }
                statement.setString(at++, value);
                return this;
            }

            /** A copy of a payload field that is indexed: its first 200 characters. */
            Bind cut(String column, String value, boolean required) throws SQLException {
                return text(column, Run.cut(value, CUT), CUT, required);
            }

            Bind time(Instant value) throws SQLException {
                if (value == null) {
                    statement.setNull(at++, Types.TIMESTAMP);
                } else {
                    statement.setTimestamp(at++, Timestamp.from(value));
                }
                return this;
            }

            Bind bool(boolean value) throws SQLException {
                statement.setBoolean(at++, value);
                return this;
            }

            Bind integer(Integer value) throws SQLException {
                if (value == null) {
                    statement.setNull(at++, Types.INTEGER);
                } else {
                    statement.setInt(at++, value);
                }
                return this;
            }

            Bind bigint(long value) throws SQLException {
                statement.setLong(at++, value);
                return this;
            }
        }
    }
}
