package io.tributary.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.store.Journal;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.SqlDialect;
import io.tributary.store.StoredEvent;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The store's write path alone: accepted events (the Mailstand click of the load benchmark, its
 * canonical event, raw body and headers) written through the {@link Journal} by concurrent callers,
 * as the webhook threads do, into a fresh H2 file with the application's migrations. Reports the CPU
 * of the whole process per event and the rate, for a warm-up round and the measured rounds: what one
 * change to the schema or the journal costs, without HTTP, Camel or the mapping around it.
 *
 * <pre>java -cp "target/test-classes:target/classes:$(cat cp.txt)" io.tributary.bench.StoreBenchmark</pre>
 * {@code -Dbench.events=100000} per round, {@code -Dbench.rounds=3}, {@code -Dbench.threads=32},
 * {@code -Dbench.url-options=";WRITE_DELAY=0;CACHE_SIZE=1024"} (the application's), and
 * {@code -Dbench.sql="DROP INDEX tributary_event_tenant"} (statements run after the migrations, to
 * try a schema). Nothing is asserted.
 */
public final class StoreBenchmark {

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 100_000);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int threads = Integer.getInteger("bench.threads", 32);
        String options = System.getProperty("bench.url-options", ";WRITE_DELAY=0;CACHE_SIZE=1024");
        Path dir = Files.createTempDirectory("tributary-store-bench");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:file:" + dir.resolve("tributary") + options);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(10);
        try (HikariDataSource db = new HikariDataSource(config)) {
            Flyway.configure().dataSource(db).load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(db);
            for (String sql : System.getProperty("bench.sql", "").split(";")) {
                if (!sql.isBlank()) {
                    jdbc.execute(sql);
                }
            }
            ObjectMapper json = new ObjectMapper();
            try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30))) {
                EventStore store = new EventStore(jdbc, journal, SqlDialect.of(db), json);
                ObjectNode template = (ObjectNode) json.readTree(CANONICAL);
                AtomicLong next = new AtomicLong();
                System.out.printf("options %s, sql [%s], %d threads%n", options, System.getProperty("bench.sql", ""), threads);
                for (int round = 0; round <= rounds; round++) {
                    long cpu0 = cpu();
                    long t0 = System.nanoTime();
                    ExecutorService pool = Executors.newFixedThreadPool(threads);
                    for (int i = 0; i < events; i++) {
                        pool.execute(() -> {
                            long n = next.incrementAndGet();
                            String id = "evt_" + Long.toString(n * 2654435761L, 36) + "_" + n;
                            ObjectNode event = template.deepCopy();
                            event.put("id", id).put("subject", "jane" + n + "@example.com");
                            ReceivedPayload received = new ReceivedPayload("mailstand", "demo", null, Instant.now(),
                                    Map.of("content-type", "application/json", "user-agent", "Mailstand-Webhooks/1.0",
                                            "x-request-id", id),
                                    BODY.replace("$ID", id));
                            store.saveNew(new StoredEvent(id, event, received), Companions.NONE);
                        });
                    }
                    pool.shutdown();
                    pool.awaitTermination(1, TimeUnit.HOURS);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double cpuPerEvent = (cpu() - cpu0) / 1e3 / events;
                    System.out.printf("%s %d: %.0f events/s, %.1f µs CPU per event, file %d MB%n", round == 0 ? "warm-up" : "round",
                            round, events / seconds, cpuPerEvent, Files.size(dir.resolve("tributary.mv.db")) >> 20);
                }
            }
        }
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static final String BODY = """
            {"id":"$ID","msg":"msg_$ID","cnv":"cnv_$ID","type":"click","workspace_id":"bench","campaign_id":"camp_pow0dj20jc20jkd2nx",\
            "campaign_name":"My First Campaign","mailbox_id":"mailbox_asnsd209j2jd22","mailbox_email":"sales@acme.test",\
            "to":"contact_1","to_email":"jane@example.com","subject":"Quick Question",\
            "text":"Hi Jane, do you have 10 minutes this week?","html":"<p>Hi Jane</p>",\
            "uni_id":"CABssC8717987kjaWfj9YoiiH=z52FDe31w65XiHdTeXWk4fWBg@mail.gmail.com","created_at":1654703617}""";

    private static final String CANONICAL = """
            {"specversion":"1.0","id":"x","source":"/providers/mailstand/demo","type":"message.clicked",\
            "time":"2022-06-08T15:53:37Z","datacontenttype":"application/json","subject":"jane@example.com",\
            "provider":"mailstand","providerevent":"click","tenant":"demo",\
            "data":{"recipient":"jane@example.com","messageId":"CABssC8717987kjaWfj9YoiiH=z52FDe31w65XiHdTeXWk4fWBg@mail.gmail.com",\
            "campaign":{"id":"camp_pow0dj20jc20jkd2nx","name":"My First Campaign"},"url":null}}""";
}
