package io.tributary.bench;

import io.tributary.BuiltJar;
import io.tributary.TestReceiver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory and restart time against history: Tributary's built jar on its durable defaults (an H2 file),
 * one subscriber on loopback, events posted and delivered in steps; after each step a full GC and the
 * live heap ({@code jcmd GC.heap_info}), so the growth per retained event is measured between steps.
 * Then the node is stopped and started again on the same data, and on an empty one: the time until a
 * webhook is answered 202, for each.
 *
 * <pre>mvn -B package -DskipTests && java -cp target/test-classes:$(mvn -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout) \
 *   io.tributary.bench.RetentionBenchmark</pre>
 * Sizes: {@code -Dbench.steps=10000,50000,100000} (events retained after each step);
 * {@code -Dbench.histogram=true} also writes the live class histogram at each step, to see what grows.
 * {@code -Dbench.fill=1000000} instead writes that many delivered events straight into a node's
 * database and compares it with an empty node: start to first 202 (in turns) and live heap. Nothing
 * is asserted: the numbers are reported (docs/benchmarks.md).
 */
public final class RetentionBenchmark {

    private static final Pattern USED = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

    public static void main(String[] args) throws Exception {
        int fill = Integer.getInteger("bench.fill", 0);
        if (fill > 0) {
            filled(fill);
            return;
        }
        List<Integer> steps = new ArrayList<>();
        for (String s : System.getProperty("bench.steps", "10000,50000,100000").split(",")) {
            steps.add(Integer.parseInt(s.trim()));
        }
        Path work = Files.createTempDirectory("tributary-retention");
        try (TestReceiver subscriber = new TestReceiver()) {
            Node node = new Node(work.resolve("data"));
            Duration firstStart = node.start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            post(http, node.port, "/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}", 201);
            AtomicLong posted = new AtomicLong();
            System.out.printf("| retained events | live heap after full GC (MB) | bytes per event since the previous step |%n|---|---|---|%n");
            long previousEvents = 0;
            long previousHeap = 0;
            for (int target : steps) {
                postUntil(http, node.port, posted, target);
                while (subscriber.received().size() < target) {
                    TimeUnit.MILLISECONDS.sleep(200); // benchmark pacing, not a test wait
                }
                long heap = node.liveHeapBytes();
                if (Boolean.getBoolean("bench.histogram")) {
                    Files.writeString(work.resolve("histogram-" + target + ".txt"), node.jcmd("GC.class_histogram"));
                    System.out.println("histogram: " + work.resolve("histogram-" + target + ".txt"));
                }
                String perEvent = previousEvents == 0 ? "" : String.valueOf((heap - previousHeap) / (target - previousEvents));
                System.out.printf("| %,d | %.1f | %s |%n", target, heap / 1e6, perEvent);
                previousEvents = target;
                previousHeap = heap;
            }
            node.stop();
            Duration again = node.start();
            node.stop();
            Node empty = new Node(work.resolve("empty"));
            Duration emptyStart = empty.start();
            empty.stop();
            System.out.printf("%nstart to first 202: first start %d ms; empty node %d ms; restart with %,d events stored %d ms%n",
                    firstStart.toMillis(), emptyStart.toMillis(), previousEvents, again.toMillis());
        }
    }

    /**
     * A node whose database holds {@code events} delivered events (each with its delivery and one
     * attempt), written straight into the H2 file, against an empty node: start to first 202, in turns,
     * and the live heap of each after the same few thousand events delivered.
     */
    private static void filled(int events) throws Exception {
        Path work = Files.createTempDirectory("tributary-filled");
        Node full = new Node(work.resolve("full"));
        full.start();
        full.stop();
        long filling = System.nanoTime();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + work.resolve("full").resolve("tributary"), "sa", "")) {
            c.setAutoCommit(false);
            try (var event = c.prepareStatement("INSERT INTO tributary_event (id, source, provider, source_id, provider_event, type, tenant,"
                    + " subject, event_time, recorded_at, canonical, payload, headers) VALUES (?, '/providers/mailstand/demo', 'mailstand',"
                    + " 'demo', 'open', 'message.opened', 'w1', ?, ?, ?, ?, ?, '{\"content-type\":\"application/json\"}')");
                 var delivery = c.prepareStatement("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held,"
                         + " attempt_count, created_at, settled_at, claim) VALUES (?, ?, 'sub_fill', 'SUCCEEDED', FALSE, 1, ?, ?, 1)");
                 var attempt = c.prepareStatement("INSERT INTO tributary_attempt (delivery_id, attempt_number, attempted_at, status,"
                         + " response_duration_ms) VALUES (?, 1, ?, 200, 3)")) {
                java.sql.Timestamp at = java.sql.Timestamp.from(java.time.Instant.now());
                for (int i = 0; i < events; i++) {
                    String id = "evt_fill_" + i;
                    String contact = "contact_" + (i % 50_000);
                    event.setString(1, id);
                    event.setString(2, contact);
                    event.setTimestamp(3, at);
                    event.setTimestamp(4, at);
                    event.setString(5, "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/providers/mailstand/demo\","
                            + "\"type\":\"message.opened\",\"subject\":\"" + contact + "\",\"time\":\"2022-06-08T15:53:37Z\","
                            + "\"datacontenttype\":\"application/json\",\"provider\":\"mailstand\",\"providerevent\":\"open\","
                            + "\"tenant\":\"w1\",\"recordedtime\":\"2026-12-02T00:00:00Z\",\"data\":{\"channel\":\"email\","
                            + "\"contact\":{\"id\":\"" + contact + "\",\"email\":\"jane@example.com\"}}}");
                    event.setString(6, "{\"id\":\"" + id + "\",\"type\":\"open\",\"workspace_id\":\"w1\",\"to\":\"" + contact
                            + "\",\"to_email\":\"jane@example.com\",\"created_at\":1654703617}");
                    event.addBatch();
                    delivery.setString(1, id + "/sub_fill");
                    delivery.setString(2, id);
                    delivery.setTimestamp(3, at);
                    delivery.setTimestamp(4, at);
                    delivery.addBatch();
                    attempt.setString(1, id + "/sub_fill");
                    attempt.setTimestamp(2, at);
                    attempt.addBatch();
                    if (i % 5_000 == 4_999 || i == events - 1) {
                        event.executeBatch();
                        delivery.executeBatch();
                        attempt.executeBatch();
                        c.commit();
                    }
                }
            }
        }
        System.out.printf("filled %,d events in %d s%n", events, (System.nanoTime() - filling) / 1_000_000_000);
        Node empty = new Node(work.resolve("empty"));
        System.out.println("| node | start to first 202 (ms), 3 turns | live heap after 5,000 events delivered (MB) |");
        System.out.println("|---|---|---|");
        List<Long> fullStarts = new ArrayList<>();
        List<Long> emptyStarts = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            emptyStarts.add(empty.start().toMillis());
            empty.stop();
            fullStarts.add(full.start().toMillis());
            full.stop();
        }
        long emptyHeap = heapAfter(empty);
        long fullHeap = heapAfter(full);
        System.out.printf("| empty | %s | %.1f |%n| %,d events stored | %s | %.1f |%n", emptyStarts, emptyHeap / 1e6, events, fullStarts, fullHeap / 1e6);
    }

    /** Starts the node, posts 5,000 events to a subscriber, waits for them, and reads the live heap. */
    private static long heapAfter(Node node) throws Exception {
        try (TestReceiver subscriber = new TestReceiver()) {
            node.start();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            post(http, node.port, "/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\"}", 201);
            postUntil(http, node.port, new AtomicLong(), 5_000);
            while (subscriber.received().size() < 5_000) {
                TimeUnit.MILLISECONDS.sleep(200); // benchmark pacing, not a test wait
            }
            long heap = node.liveHeapBytes();
            node.stop();
            return heap;
        }
    }

    private static void postUntil(HttpClient http, int port, AtomicLong posted, int target) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(16);
        List<Future<?>> all = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            all.add(threads.submit(() -> {
                while (posted.incrementAndGet() <= target) {
                    String body = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\"w1\",\"to\":\"contact_1\","
                            + "\"to_email\":\"jane@example.com\",\"created_at\":1654703617}";
                    post(http, port, "/webhooks/mailstand/demo", body, 202);
                }
                posted.decrementAndGet();
                return null;
            }));
        }
        for (Future<?> f : all) {
            f.get();
        }
        threads.shutdown();
    }

    private static void post(HttpClient http, int port, String path, String body, int expected) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** One Tributary process on a data directory. */
    private static final class Node {
        final Path data;
        final int port = BuiltJar.freePort();
        Process process;

        Node(Path data) {
            this.data = data;
        }

        /** Starts it and returns the time until a webhook is answered 202. */
        Duration start() throws Exception {
            long started = System.nanoTime();
            process = new ProcessBuilder(BuiltJar.javaBin(), "-Xmx2g", "-jar", BuiltJar.path().toString(), "--server.port=" + port,
                    "--spring.profiles.active=first-run", // the demo source, the admin API from loopback without a token
                    "--tributary.cluster.port=" + BuiltJar.freePort(), "--tributary.store.data-dir=" + data,
                    "--tributary.delivery.allowed-networks=127.0.0.0/8", "--tributary.delivery.max-in-flight=16")
                    .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            while (true) {
                try {
                    String body = "{\"id\":\"evt_start_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\"w0\",\"to\":\"c\",\"created_at\":1654703617}";
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/mailstand/demo"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 202) {
                        return Duration.ofNanos(System.nanoTime() - started);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                TimeUnit.MILLISECONDS.sleep(20); // benchmark polling
            }
        }

        long liveHeapBytes() throws Exception {
            jcmd("GC.run");
            Matcher m = USED.matcher(jcmd("GC.heap_info"));
            if (!m.find()) {
                throw new IllegalStateException("no heap info");
            }
            return Long.parseLong(m.group(2)) * 1024;
        }

        String jcmd(String command) throws Exception {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        }

        void stop() throws Exception {
            process.destroy(); // SIGTERM: a graceful stop
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
