package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.TestReceiver;
import io.tributary.TributaryApplication;
import io.tributary.WebhookClient;
import io.tributary.ingest.EventKeys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The database's bad day, with providers that retry until they get a 2xx: the database first hangs
 * (statements neither answer nor fail), then goes down, then comes back, while webhooks stream in.
 * Meanwhile every answer is a 2xx for a committed event or a 503 with Retry-After (never a 4xx, never
 * a 202 for an event not committed); afterwards Tributary goes on without a restart and every
 * acknowledged event reaches the subscriber, including those whose commit outlived its request.
 * PostgreSQL (which CI provides), reached through a {@link FaultyProxy}. (An H2 server behind the
 * proxy closes its in-memory database when its connections are cut, so it cannot come back; the
 * embedded H2 file has no network to fail.)
 */
@EnabledIfEnvironmentVariable(named = "TRIBUTARY_TEST_POSTGRES_URL", matches = ".+")
class DatabaseOutageTest {

    private static final int PROVIDERS = 4;
    private static final int EVENTS_EACH = 40;

    record Target(String host, int port, String urlPrefix, String urlSuffix, String user, String password) {
        String url(int proxyPort) {
            return urlPrefix + "127.0.0.1:" + proxyPort + urlSuffix;
        }

        /** The database itself, not through the proxy. */
        String directUrl() {
            return urlPrefix + host + ":" + port + urlSuffix;
        }
    }

    static Stream<Arguments> databases() {
        List<Arguments> dbs = new ArrayList<>();
        PostgresDatabases.fresh().ifPresent(pg -> {
            URI uri = URI.create(pg.url().substring("jdbc:".length()));
            dbs.add(Arguments.of("postgresql", new Target(uri.getHost(), uri.getPort(), "jdbc:postgresql://",
                    uri.getPath(), pg.user(), pg.password())));
        });
        return dbs.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyAcknowledgedEventIsDeliveredThroughAHangAndAnOutage(String name, Target db) throws Exception {
        ExecutorService providers = Executors.newFixedThreadPool(PROVIDERS);
        try (FaultyProxy proxy = new FaultyProxy(db.host(), db.port()); TestReceiver subscriber = new TestReceiver()) {
            ConfigurableApplicationContext app = new SpringApplicationBuilder(TributaryApplication.class).profiles("first-run", "test").run(
                    "--server.port=0", "--tributary.store.url=" + db.url(proxy.port()), "--tributary.store.user=" + db.user(),
                    "--tributary.store.password=" + db.password(), "--tributary.store.write-timeout=2s",
                    "--spring.datasource.hikari.connection-timeout=1000",
                    "--tributary.delivery.recovery-interval=1s", "--tributary.delivery.lease=3s", "--tributary.delivery.jitter=0",
                    "--tributary.delivery.retry-schedule=0s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
                    "--tributary.delivery.pause-after-failures=1000", "--camel.main.shutdown-timeout=1");
            try {
                int port = ((WebServerApplicationContext) app).getWebServer().getPort();
                WebhookClient client = new WebhookClient(port);
                assertThat(client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}").status()).isEqualTo(201);

                // each acknowledged event's key (what webhook-id carries): the answer that acknowledged it, and when
                Map<String, String> acknowledgedBy = new ConcurrentHashMap<>();
                Set<String> acknowledged = acknowledgedBy.keySet();
                Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
                AtomicInteger unavailableWithoutRetryAfter = new AtomicInteger();
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                List<Future<?>> streams = new ArrayList<>();
                for (int p = 0; p < PROVIDERS; p++) {
                    streams.add(providers.submit(() -> {
                        for (int i = 0; i < EVENTS_EACH; i++) {
                            String id = "evt_" + UUID.randomUUID();
                            String body = "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"w1\",\"to\":\"contact_1\",\"created_at\":1654703617}";
                            String key = EventKeys.of("mailstand", "demo", id);
                            // A provider that retries until it gets a 2xx.
                            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).until(() -> {
                                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/mailstand/demo"))
                                        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                                answers.computeIfAbsent(r.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                                if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isEmpty()) {
                                    unavailableWithoutRetryAfter.incrementAndGet();
                                }
                                if (r.statusCode() == 200 || r.statusCode() == 202) {
                                    acknowledgedBy.put(key, r.statusCode() + " at " + Instant.now());
                                    return true;
                                }
                                return false;
                            });
                        }
                        return null;
                    }));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= PROVIDERS * EVENTS_EACH / 4);
                proxy.stall(); // the database hangs
                await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 503) >= 4);
                proxy.heal();
                await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= PROVIDERS * EVENTS_EACH / 2);
                int before = count(answers, 503);
                proxy.cut(); // the database is down
                await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 503) >= before + 4);
                proxy.heal();
                for (Future<?> stream : streams) {
                    stream.get();
                }

                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> delivered(subscriber).containsAll(acknowledged));
                } catch (ConditionTimeoutException e) {
                    Set<String> lost = new TreeSet<>(acknowledged);
                    lost.removeAll(delivered(subscriber));
                    throw new AssertionError("acknowledged, not delivered within 60 s: " + lost.size() + " events; as stored at " + Instant.now() + ":\n"
                            + storedState(db, lost, acknowledgedBy), e);
                }
                assertThat(answers.keySet()).as("answers: " + answers).allMatch(s -> s == 200 || s == 202 || s == 503);
                assertThat(count(answers, 503)).isGreaterThanOrEqualTo(8);
                assertThat(unavailableWithoutRetryAfter.get()).as("every 503 says when to retry").isZero();
                System.out.printf("database outage (%s): acknowledged=%d answers=%s delivered=%d%n", name, acknowledged.size(), answers,
                        subscriber.received().size());
            } finally {
                app.close();
            }
        } finally {
            providers.shutdownNow();
        }
    }

    private static Set<String> delivered(TestReceiver subscriber) {
        return subscriber.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet());
    }

    /** What the database holds of each lost event and its deliveries: where the failure is to be looked for. */
    private static String storedState(Target db, Set<String> keys, Map<String, String> acknowledgedBy) {
        StringBuilder out = new StringBuilder();
        try (Connection c = DriverManager.getConnection(db.directUrl(), db.user(), db.password())) {
            for (String key : keys) {
                out.append(key).append(": acknowledged by ").append(acknowledgedBy.get(key)).append("; ");
                try (PreparedStatement e = c.prepareStatement("SELECT recorded_at FROM tributary_event WHERE id = ?")) {
                    e.setString(1, key);
                    try (ResultSet r = e.executeQuery()) {
                        out.append(r.next() ? "event stored, recorded at " + r.getTimestamp(1).toInstant() : "event not stored");
                    }
                }
                try (PreparedStatement d = c.prepareStatement("SELECT id, status, held, attempt_count, claim, lease_owner, lease_until,"
                        + " next_attempt_at FROM tributary_delivery WHERE event_id = ?")) {
                    d.setString(1, key);
                    try (ResultSet r = d.executeQuery()) {
                        boolean any = false;
                        while (r.next()) {
                            any = true;
                            out.append("; delivery ").append(r.getString(1)).append(" status=").append(r.getString(2))
                                    .append(" held=").append(r.getBoolean(3)).append(" attempts=").append(r.getInt(4))
                                    .append(" claim=").append(r.getInt(5)).append(" lease=").append(r.getString(6))
                                    .append(" until ").append(r.getTimestamp(7)).append(" next=").append(r.getTimestamp(8));
                        }
                        if (!any) {
                            out.append("; no delivery stored");
                        }
                    }
                }
                out.append('\n');
            }
        } catch (SQLException e) {
            out.append("(not read: ").append(e.getMessage()).append(')');
        }
        return out.toString();
    }

    private static int count(Map<Integer, AtomicInteger> answers, int status) {
        AtomicInteger n = answers.get(status);
        return n == null ? 0 : n.get();
    }
}
