package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.WebhookClient.Answer;
import io.tributary.store.PostgresDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: Tributary's built jar as real processes on loopback, a stream of webhooks, one node
 * killed with SIGKILL mid-stream and started again; then every acknowledged event must have reached
 * the subscriber at least once. Prints the ledger.
 *
 * <p>With {@code TRIBUTARY_TEST_POSTGRES_URL} set it runs two nodes in one Hazelcast cluster on a
 * shared PostgreSQL database and kills one of them; without it, one node on its H2 file database.
 * Size: {@code -Dcrash.events=300} (default), e.g. {@code mvn verify -Dit.test=CrashIT -Dcrash.events=5000}.
 */
class CrashIT {

    private static final int EVENTS = Integer.getInteger("crash.events", 300);

    @TempDir
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
                    "--server.port=" + httpPort));
            command.addAll(args);
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(work.resolve(name + ".log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            WebhookClient client = client();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> client.get("/actuator/health").status() == 200);
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

            // Four providers post at once, so the kill lands while requests are in flight.
            Set<String> acknowledged = ConcurrentHashMap.newKeySet();
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
                String id = "evt_crash_" + i + "_" + UUID.randomUUID();
                String body = "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"crash\",\"to\":\"contact_" + i + "\"}";
                posts.add(providers.submit(() -> {
                    try {
                        Answer answer = target.client().post("/webhooks/mailstand/demo", body);
                        if (answer.status() / 100 == 2) {
                            acknowledged.add(id);
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

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    subscriber.received().stream().map(r -> r.header("webhook-id")).collect(Collectors.toSet()).containsAll(acknowledged));

            List<String> deliveredIds = subscriber.received().stream().map(r -> r.header("webhook-id")).toList();
            Set<String> delivered = Set.copyOf(deliveredIds);
            long lost = acknowledged.stream().filter(id -> !delivered.contains(id)).count();
            System.out.printf("%ncrash test (%s): posted=%d acknowledged=%d rejected=%d delivered=%d duplicated=%d lost=%d%n%n",
                    cluster ? "2-node cluster, PostgreSQL" : "1 node, H2", EVENTS, acknowledged.size(), rejected,
                    delivered.size(), deliveredIds.size() - delivered.size(), lost);
            assertThat(acknowledged.size() + rejected).isEqualTo(EVENTS);
            assertThat(lost).isZero();
        } finally {
            for (Node n : nodes) {
                if (n.process != null) {
                    n.process.destroyForcibly();
                }
            }
        }
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }




}
