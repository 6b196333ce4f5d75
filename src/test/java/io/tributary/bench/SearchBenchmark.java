package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.EventQuery;
import io.tributary.store.EventStore;
import io.tributary.store.EventSummary;
import io.tributary.store.Journal;
import io.tributary.store.PostgresDatabases;
import io.tributary.store.SqlDialect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The console's searches and charts on a large store: {@code bench.events} (1,000,000) events written
 * into a fresh database (an H2 file, as the default deployment; PostgreSQL too where
 * {@code TRIBUTARY_TEST_POSTGRES_URL} names a server), spread over 30 days, 5 providers, 12 types, 200
 * tenants and 100,000 subjects; then each search the Events page makes, and the overview's activity
 * queries, timed: median and longest of 20 runs after 5 of warm-up. {@code -Dbench.h2=false} leaves H2
 * out (filling its file with a million rows one batch at a time takes longer than half an hour here). Nothing is asserted: the numbers
 * go to docs/benchmarks.md.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat cp.txt) io.tributary.bench.SearchBenchmark</pre>
 */
public final class SearchBenchmark {

    private static final String[] PROVIDERS = {"mailstand", "dailystory", "dailydraft", "workspace", "groupmail"};
    private static final String[] TYPES = {"message.sent", "message.delivered", "message.opened", "message.clicked", "message.bounced",
        "message.replied", "message.complained", "contact.created", "contact.updated", "contact.unsubscribed", "campaign.completed",
        "list.subscribed"};

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 1_000_000);
        Map<String, DataSource> databases = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("tributary-search");
        if (Boolean.parseBoolean(System.getProperty("bench.h2", "true"))) {
            databases.put("H2 file", new DriverManagerDataSource("jdbc:h2:file:" + dir.resolve("tributary") + ";DB_CLOSE_DELAY=-1", "sa", ""));
        }
        PostgresDatabases.fresh().ifPresent(pg -> databases.put("PostgreSQL 15", new DriverManagerDataSource(pg.url(), pg.user(), pg.password())));
        for (Map.Entry<String, DataSource> db : databases.entrySet()) {
            Flyway.configure().dataSource(db.getValue()).load().migrate();
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            long filling = System.nanoTime();
            fill(db.getValue(), events, now);
            System.out.printf("%n%s: %,d events written in %d s%n%n", db.getKey(), events, (System.nanoTime() - filling) / 1_000_000_000);
            try (Journal journal = new Journal(db.getValue(), new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
                EventStore store = new EventStore(new JdbcTemplate(db.getValue()), journal, SqlDialect.of(db.getValue()), new ObjectMapper());
                run(store, now);
            }
        }
    }

    private static void run(EventStore store, Instant now) {
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        cases.put("newest 50, no criteria", () -> store.search(query(null, null, null, null, null, null, null, null)));
        cases.put("type message.clicked", () -> store.search(query(null, "message.clicked", null, null, null, null, null, null)));
        cases.put("type prefix message.*", () -> store.search(query(null, "message.*", null, null, null, null, null, null)));
        cases.put("provider dailydraft", () -> store.search(query(null, null, "dailydraft", null, null, null, null, null)));
        cases.put("tenant (1 of 200)", () -> store.search(query(null, null, null, "tenant-17", null, null, null, null)));
        cases.put("subject (10 events)", () -> store.search(query(null, null, null, null, "contact_4242", null, null, null)));
        cases.put("provider's id (6 keys)", () -> store.search(query(List.of("evt_500000", "a.evt_500000", "b.evt_500000", "c.evt_500000",
                "d.evt_500000", "e.evt_500000"), null, null, null, null, null, null, null)));
        cases.put("one day 15 days ago", () -> store.search(query(null, null, null, null, null, now.minus(Duration.ofDays(15)),
                now.minus(Duration.ofDays(14)), null)));
        cases.put("tenant and message.*", () -> store.search(query(null, "message.*", null, "tenant-17", null, null, null, null)));
        cases.put("10th page (cursor), type prefix", () -> {
            EventSummary.Cursor cursor = null;
            List<EventSummary> page = List.of();
            for (int i = 0; i < 10; i++) {
                page = store.search(query(null, "message.*", null, null, null, null, null, cursor));
                cursor = page.get(page.size() - 1).cursor();
            }
            return page;
        });
        cases.put("overview: last hour by minute", () -> store.activity(now.minus(Duration.ofHours(1)), 60));
        cases.put("overview: last day by 15 min", () -> store.activity(now.minus(Duration.ofDays(1)), 900));
        System.out.println("| query | median (ms) | longest (ms) | rows |");
        System.out.println("|---|---|---|---|");
        for (Map.Entry<String, Supplier<Object>> c : cases.entrySet()) {
            for (int i = 0; i < 5; i++) {
                c.getValue().get();
            }
            List<Double> times = new ArrayList<>();
            int rows = 0;
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                rows = ((List<?>) c.getValue().get()).size();
                times.add((System.nanoTime() - start) / 1e6);
            }
            Collections.sort(times);
            System.out.printf("| %s | %.1f | %.1f | %d |%n", c.getKey(), times.get(10), times.get(19), rows);
        }
    }

    private static EventQuery query(List<String> keys, String type, String provider, String tenant, String subject, Instant from, Instant to,
                                    EventSummary.Cursor after) {
        return new EventQuery(keys == null ? List.of() : keys, type, provider, null, tenant, subject, from, to, after, 50);
    }

    /** Events received one every {@code 30 days / n}, newest now; their attributes spread as the class comment says. */
    private static void fill(DataSource db, int n, Instant now) throws Exception {
        long spacingMicros = Duration.ofDays(30).toNanos() / 1000 / n;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO tributary_event (id, source, provider, source_id, provider_event,"
                    + " type, tenant, subject, event_time, recorded_at, canonical, payload, headers) VALUES (?, ?, ?, 'demo', ?, ?, ?, ?, ?, ?, ?, ?, '{}')")) {
                for (int i = 0; i < n; i++) {
                    String provider = PROVIDERS[i % PROVIDERS.length];
                    String type = TYPES[(i / 7) % TYPES.length];
                    String tenant = "tenant-" + (i % 200);
                    String subject = "contact_" + (i % 100_000);
                    String id = "evt_" + i;
                    Timestamp at = Timestamp.from(now.minus(Duration.ofNanos((long) (n - i) * spacingMicros * 1000)));
                    insert.setString(1, (i % 6 == 0 ? "" : "abcde".charAt(i % 5) + ".") + id);
                    insert.setString(2, "/providers/" + provider + "/demo");
                    insert.setString(3, provider);
                    insert.setString(4, "x");
                    insert.setString(5, type);
                    insert.setString(6, tenant);
                    insert.setString(7, subject);
                    insert.setTimestamp(8, at);
                    insert.setTimestamp(9, at);
                    insert.setString(10, "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"subject\":\"" + subject + "\"}");
                    insert.setString(11, "{\"id\":\"" + id + "\"}");
                    insert.addBatch();
                    if (i % 5_000 == 4_999 || i == n - 1) {
                        insert.executeBatch();
                        c.commit();
                    }
                }
            }
        }
    }
}
