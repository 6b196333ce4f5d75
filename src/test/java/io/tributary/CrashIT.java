package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.WebhookClient.Answer;
import io.tributary.ingest.EventKeys;
import io.tributary.store.FaultyProxy;
import io.tributary.store.PostgresDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: Tributary's built jar as real processes on loopback, a stream of webhooks, one node
 * killed with SIGKILL mid-stream and started again (single events and batches of three in flight); then every acknowledged event must have reached
 * the subscriber at least once. Prints the ledger.
 *
 * <p>With {@code TRIBUTARY_TEST_POSTGRES_URL} set it runs two nodes in one Hazelcast cluster on a
 * shared PostgreSQL database and kills one of them; without it, one node on its H2 file database.
 * Size: {@code -Dcrash.events=300} (default), e.g. {@code mvn verify -Dit.test=CrashIT -Dcrash.events=5000}.
 */
class CrashIT {

    private static final int EVENTS = Integer.getInteger("crash.events", 300);

    @TempDir(cleanup = CleanupMode.ON_SUCCESS) // the nodes' logs stay when the ledger does not hold
    Path work;

    /** One Tributary process. */
    private final class Node {
        final String name;
        final int httpPort;
        final List<String> args;
        Process process;

        Node(String name, int httpPort, List<String> args) {
            this.name = name;
            this.httpPort = httpPort;
            this.args = args;
        }

        void start() {
            List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin(), "-Xmx512m", "-jar", BuiltJar.path().toString(),
                    "--server.port=" + httpPort, "--spring.profiles.active=first-run")); // the demo source, tokenless admin API
            command.addAll(args);
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(work.resolve(name + ".log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            BuiltJar.awaitHealthy(process, client(), work.resolve(name + ".log"), Duration.ofSeconds(90));
        }

        void kill() {
            process.destroyForcibly(); // SIGKILL
            await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        }

        WebhookClient client() {
            return new WebhookClient(httpPort);
        }
    }

    @Test
    void noAcknowledgedEventIsLostWhenANodeIsKilled() throws Exception {
        var postgres = PostgresDatabases.fresh();
        boolean cluster = postgres.isPresent();
        List<String> store = postgres.map(pg -> List.of("--tributary.store.url=" + pg.url(),
                        "--tributary.store.user=" + pg.user(), "--tributary.store.password=" + pg.password()))
                .orElse(List.of("--tributary.store.data-dir=" + work.resolve("data")));
        int hz1 = BuiltJar.freePort();
        int hz2 = BuiltJar.freePort();
        String members = "--tributary.cluster.members=127.0.0.1:" + hz1 + ",127.0.0.1:" + hz2;
        List<String> common = new ArrayList<>(store);
        common.addAll(List.of("--tributary.delivery.retry-schedule=0s,1s,2s,4s,8s,8s,8s,8s", "--tributary.delivery.jitter=0",
                "--tributary.delivery.pause-after-failures=1000", "--tributary.delivery.recovery-interval=2s",
                "--tributary.cluster.failure-detection=5s", "--tributary.cluster.interface-address=127.0.0.1",
                "--tributary.delivery.allowed-networks=127.0.0.0/8"));

        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node("node-1", BuiltJar.freePort(), with(common, "--tributary.cluster.port=" + hz1, cluster ? members : "--tributary.cluster.members=")));
        if (cluster) {
            nodes.add(new Node("node-2", BuiltJar.freePort(), with(common, "--tributary.cluster.port=" + hz2, members)));
        }
        Node victim = nodes.get(nodes.size() - 1);

        try (TestReceiver subscriber = new TestReceiver()) {
            for (Node n : nodes) {
                n.start();
            }
            Answer sub = nodes.get(0).client().post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}");
            assertThat(sub.status()).isEqualTo(201);

            // Four providers post at once, so the kill lands while requests are in flight. Every fifth
            // post is a batch of three events (a JSON array), all stored in one transaction or none.
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            AtomicInteger acknowledgedPosts = new AtomicInteger();
            AtomicInteger rejectedCount = new AtomicInteger();
            ExecutorService providers = Executors.newFixedThreadPool(4);
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                if (i == EVENTS / 2) {
                    victim.kill();
                }
                if (i == EVENTS * 3 / 4) {
                    victim.start();
                }
                Node target = nodes.get(i % nodes.size());
                List<String> ids = new ArrayList<>();
                for (int k = 0; k < (i % 5 == 4 ? 3 : 1); k++) {
                    ids.add("evt_crash_" + i + "_" + k + "_" + UUID.randomUUID());
                }
                int n = i;
                String events = ids.stream().map(id -> "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"crash\",\"to\":\"contact_" + n + "\"}")
                        .collect(Collectors.joining(","));
                String body = ids.size() == 1 ? events : "[" + events + "]";
                posts.add(providers.submit(() -> {
                    try {
                        Answer answer = target.client().post("/webhooks/mailstand/demo", body);
                        if (answer.status() / 100 == 2) {
                            acknowledgedPosts.incrementAndGet();
                            ids.forEach(id -> acknowledged.add(EventKeys.of("mailstand", "demo", id))); // what webhook-id carries
                        } else {
                            rejectedCount.incrementAndGet();
                        }
                    } catch (UncheckedIOException down) {
                        rejectedCount.incrementAndGet(); // the killed node: the provider retries later
                    }
                }));
                if (i % 8 == 7) {
                    posts.get(posts.size() - 1).get(); // a steady stream, not one burst
                }
            }
            for (Future<?> post : posts) {
                post.get();
            }
            providers.shutdown();
            int rejected = rejectedCount.get();

            awaitDelivered(subscriber, acknowledged);

            List<String> deliveredIds = subscriber.received().stream().map(r -> r.header("webhook-id")).toList();
            Set<String> delivered = Set.copyOf(deliveredIds);
            long lost = acknowledged.stream().filter(id -> !delivered.contains(id)).count();
            System.out.printf("%ncrash test (%s): posted=%d (a fifth of them batches of 3) acknowledged=%d events rejected=%d posts"
                            + " delivered=%d duplicated=%d lost=%d%n%n",
                    cluster ? "2-node cluster, PostgreSQL" : "1 node, H2", EVENTS, acknowledged.size(), rejected,
                    delivered.size(), deliveredIds.size() - delivered.size(), lost);
            assertThat(acknowledgedPosts.get() + rejected).isEqualTo(EVENTS);
            assertThat(acknowledged).as("acknowledged, not delivered (node logs: %s)", work).allMatch(delivered::contains);
        } finally {
            for (Node n : nodes) {
                if (n.process != null) {
                    n.process.destroyForcibly();
                }
            }
        }
    }

    /**
     * The database goes down under a two-node cluster while providers that retry until they get a 2xx
     * stream webhooks to both nodes, and one node is killed while it is down: every answer is a 2xx
     * for a committed event or a 503 (never a 4xx), and once the database is back, without a restart
     * of the node that stayed, every acknowledged event reaches the subscriber.
     */
    @Test
    @EnabledIfEnvironmentVariable(named = "TRIBUTARY_TEST_POSTGRES_URL", matches = ".+")
    void noAcknowledgedEventIsLostWhenTheDatabaseGoesDownUnderACluster() throws Exception {
        var pg = PostgresDatabases.fresh().orElseThrow();
        URI db = URI.create(pg.url().substring("jdbc:".length()));
        try (FaultyProxy proxy = new FaultyProxy(db.getHost(), db.getPort()); TestReceiver subscriber = new TestReceiver()) {
            int hz1 = BuiltJar.freePort();
            int hz2 = BuiltJar.freePort();
            String members = "--tributary.cluster.members=127.0.0.1:" + hz1 + ",127.0.0.1:" + hz2;
            List<String> common = List.of("--tributary.store.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + db.getPath(),
                    "--tributary.store.user=" + pg.user(), "--tributary.store.password=" + pg.password(),
                    "--tributary.store.write-timeout=2s", "--spring.datasource.hikari.connection-timeout=1000",
                    "--tributary.delivery.retry-schedule=0s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
                    "--tributary.delivery.jitter=0", "--tributary.delivery.pause-after-failures=1000",
                    "--tributary.delivery.recovery-interval=2s", "--tributary.delivery.lease=4s",
                    "--tributary.cluster.failure-detection=5s", "--tributary.cluster.interface-address=127.0.0.1",
                    "--tributary.delivery.allowed-networks=127.0.0.0/8", members);
            List<Node> nodes = List.of(new Node("db-node-1", BuiltJar.freePort(), with(common, "--tributary.cluster.port=" + hz1)),
                    new Node("db-node-2", BuiltJar.freePort(), with(common, "--tributary.cluster.port=" + hz2)));
            ExecutorService providers = Executors.newFixedThreadPool(4);
            try {
                for (Node n : nodes) {
                    n.start();
                }
                assertThat(nodes.get(0).client().post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}").status())
                        .isEqualTo(201);

                Set<String> acknowledged = ConcurrentHashMap.newKeySet();
                Map<Integer, AtomicInteger> answers = new ConcurrentHashMap<>();
                List<Future<?>> streams = new ArrayList<>();
                int each = EVENTS / 4;
                for (int p = 0; p < 4; p++) {
                    int provider = p;
                    streams.add(providers.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            String id = "evt_dbdown_" + provider + "_" + i + "_" + UUID.randomUUID();
                            String body = "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"crash\",\"to\":\"contact_" + i + "\"}";
                            AtomicInteger tries = new AtomicInteger(provider + i);
                            // A provider that retries until it gets a 2xx, on whichever node its load balancer picks.
                            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                                Node target = nodes.get(tries.getAndIncrement() % nodes.size());
                                try {
                                    Answer answer = target.client().post("/webhooks/mailstand/demo", body);
                                    answers.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
                                    return answer.status() / 100 == 2;
                                } catch (UncheckedIOException down) {
                                    return false; // the killed node
                                }
                            });
                            acknowledged.add(EventKeys.of("mailstand", "demo", id)); // what webhook-id carries
                        }
                        return null;
                    }));
                }
                await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() >= EVENTS / 4);
                proxy.cut(); // the database is down
                await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 503) >= 8);
                nodes.get(1).kill(); // and a node dies meanwhile, with whatever it held
                await().atMost(Duration.ofSeconds(60)).until(() -> count(answers, 503) >= 16);
                proxy.heal();
                nodes.get(1).start();
                for (Future<?> stream : streams) {
                    stream.get();
                }

                awaitDelivered(subscriber, acknowledged);
                List<String> deliveredIds = subscriber.received().stream().map(r -> r.header("webhook-id")).toList();
                Set<String> delivered = Set.copyOf(deliveredIds);
                System.out.printf("%ndatabase down under a 2-node cluster: acknowledged=%d answers=%s delivered=%d duplicated=%d lost=%d%n%n",
                        acknowledged.size(), answers, delivered.size(), deliveredIds.size() - delivered.size(),
                        acknowledged.stream().filter(id -> !delivered.contains(id)).count());
                assertThat(acknowledged).hasSize(each * 4);
                assertThat(acknowledged).as("acknowledged, not delivered (node logs: %s)", work).allMatch(delivered::contains);
                assertThat(answers.keySet()).as("answers: " + answers).allMatch(s -> s == 200 || s == 202 || s == 503);
            } finally {
                providers.shutdownNow();
                for (Node n : nodes) {
                    if (n.process != null) {
                        n.process.destroyForcibly();
                    }
                }
            }
        }
    }

    /** Waits for the subscriber to have every acknowledged event, or gives up so the ledger can say what is missing. */
    private static void awaitDelivered(TestReceiver subscriber, Set<String> acknowledged) {
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    subscriber.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()).containsAll(acknowledged));
        } catch (ConditionTimeoutException incomplete) {
            // the ledger and the assertions after it name what is missing
        }
    }

    private static int count(Map<Integer, AtomicInteger> answers, int status) {
        AtomicInteger n = answers.get(status);
        return n == null ? 0 : n.get();
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }
}
