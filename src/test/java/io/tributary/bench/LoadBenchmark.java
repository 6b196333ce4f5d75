package io.tributary.bench;

import io.tributary.BuiltJar;
import io.tributary.TestReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark: Tributary's built jar as a process on loopback with its durable
 * defaults (H2 file store), real Mailstand payloads posted by an HTTP client, subscribers on loopback
 * counting deliveries, and the bare endpoint of the same server stack measured in the same run.
 *
 * <pre>mvn -B -Pbenchmark verify</pre> (or run this class's main after {@code mvn package}). Prints a
 * Markdown report and writes it to {@code target/benchmarks/load.md}. Sizes: {@code -Dbench.seconds}
 * (per phase, default 20), {@code -Dbench.connections} (default 32).
 *
 * <p>Nothing here is asserted: the numbers are reported, and a broken ledger voids the run.
 */
public final class LoadBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2)).build();
    private final AtomicLong sequence = new AtomicLong();

    public static void main(String[] args) throws Exception {
        new LoadBenchmark().run();
        System.exit(0);
    }

    /** One measured phase. */
    record Result(String name, long posted, long accepted, long rejected, double perSecond, Histogram latencyUs) {
    }

    void run() throws Exception {
        Path work = Files.createTempDirectory("tributary-bench");
        int port = BuiltJar.freePort();
        List<TestReceiver> subscribers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            subscribers.add(new TestReceiver());
        }
        Process app = new ProcessBuilder(BuiltJar.javaBin(), "-Xmx2g", "-jar", BuiltJar.path().toString(), "--server.port=" + port,
                "--tributary.store.data-dir=" + work.resolve("data"),
                "--tributary.delivery.allowed-networks=127.0.0.0/8",
                "--tributary.delivery.max-in-flight=16",
                "--camel.main.routes-include-pattern=classpath:routes/*.camel.yaml,file:src/test/resources/bench/bare.camel.yaml",
                "--logging.level.root=WARN")
                .redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile()).start();
        StringBuilder report = new StringBuilder();
        try {
            String base = "http://127.0.0.1:" + port;
            waitUntilUp(base);
            report.append("| measurement | value |\n|---|---|\n");

            warmUp(base + "/bench/bare");
            Result bare = fullSpeed("bare endpoint, full speed", base + "/bench/bare");
            warmUp(base + "/webhooks/mailstand/demo");
            Result full = fullSpeed("Tributary, full speed, no subscriber", base + "/webhooks/mailstand/demo");
            row(report, "bare endpoint (same stack): requests/s", "%.0f", bare.perSecond());
            row(report, "Tributary: durably accepted events/s (no subscriber)", "%.0f", full.perSecond());
            row(report, "ratio to the bare endpoint", "%.0f %%", 100 * full.perSecond() / bare.perSecond());
            latencyRows(report, "Tributary at full speed", full.latencyUs());

            double rate = 0.7 * full.perSecond();
            Result fixed = fixedRate("Tributary at 70 %", base + "/webhooks/mailstand/demo", rate);
            row(report, "ingest at 70 % of full speed: rate", "%.0f/s", fixed.perSecond());
            latencyRows(report, "ingest at 70 %", fixed.latencyUs());

            for (int n : new int[] {1, 10}) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(subscribe(base, subscribers.get(i).url(), "bench-" + n));
                }
                Map<String, Instant> acceptedAt = new ConcurrentHashMap<>();
                long before = subscribers.stream().mapToLong(s -> s.received().size()).sum();
                Instant start = Instant.now();
                Result run = fullSpeed("with " + n + " subscriber(s)", base + "/webhooks/mailstand/demo", "bench-" + n, acceptedAt);
                long expected = run.accepted() * n;
                boolean drained = awaitDeliveries(subscribers, before + expected, Duration.ofSeconds(120));
                Instant end = Instant.now();
                long delivered = subscribers.stream().mapToLong(s -> s.received().size()).sum() - before;
                Histogram delay = endToEnd(subscribers.subList(0, n), acceptedAt);
                row(report, "with " + n + " subscriber(s): accepted events/s", "%.0f", run.perSecond());
                row(report, "with " + n + " subscriber(s): delivered/s (until drained)", "%.0f",
                        delivered / Math.max(0.001, Duration.between(start, end).toMillis() / 1000.0));
                row(report, "with " + n + " subscriber(s): accepted to delivered p50 / p99", "%s",
                        ms(delay.getValueAtPercentile(50)) + " / " + ms(delay.getValueAtPercentile(99)));
                row(report, "with " + n + " subscriber(s): ledger posted = accepted + rejected; accepted x " + n + " = delivered", "%s",
                        run.posted() + " = " + run.accepted() + " + " + run.rejected() + "; " + expected + " = " + delivered
                                + (drained && expected == delivered && run.posted() == run.accepted() + run.rejected() ? " (holds)" : " (VOID)"));
                for (String id : ids) {
                    http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/subscriptions/" + id)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
            row(report, "peak resident memory of the Tributary process", "%s", peakRss(app.pid()));
        } finally {
            app.destroy();
            app.waitFor(30, TimeUnit.SECONDS);
            subscribers.forEach(TestReceiver::close);
        }
        String text = "Load benchmark, " + SECONDS + " s per phase, " + CONNECTIONS + " connections, "
                + Runtime.getRuntime().availableProcessors() + " cores, " + Instant.now() + "\n\n" + report;
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/load.md"), text);
        System.out.println("\n" + text);
    }

    private String body(String tenant) {
        long n = sequence.incrementAndGet();
        return "{\"id\":\"evt_bench_" + n + "_" + System.nanoTime() + "\",\"msg\":\"msg_" + n + "\",\"cnv\":\"cnv_" + n
                + "\",\"type\":\"click\",\"workspace_id\":\"" + tenant + "\",\"campaign_id\":\"camp_pow0dj20jc20jkd2nx\","
                + "\"campaign_name\":\"My First Campaign\",\"mailbox_id\":\"mailbox_asnsd209j2jd22\",\"mailbox_email\":\"sales@acme.test\","
                + "\"to\":\"contact_" + n + "\",\"to_email\":\"jane" + n + "@example.com\",\"subject\":\"Quick Question\","
                + "\"text\":\"Hi Jane, do you have 10 minutes this week?\",\"html\":\"<p>Hi Jane</p>\","
                + "\"uni_id\":\"CABssC8717987kjaWfj9YoiiH=z52FDe31w65XiHdTeXWk4fWBg@mail.gmail.com\",\"created_at\":1654703617}";
    }

    private void warmUp(String url) throws InterruptedException {
        closedLoop(url, "warmup", Duration.ofSeconds(Math.max(5, SECONDS / 2)), null);
    }

    private Result fullSpeed(String name, String url) throws InterruptedException {
        return fullSpeed(name, url, "bench", null);
    }

    private Result fullSpeed(String name, String url, String tenant, Map<String, Instant> acceptedAt) throws InterruptedException {
        return closedLoop(url, tenant, Duration.ofSeconds(SECONDS), acceptedAt);
    }

    /** CONNECTIONS requests always in flight: the most the server takes. */
    private Result closedLoop(String url, String tenant, Duration length, Map<String, Instant> acceptedAt) throws InterruptedException {
        Histogram latency = new Histogram(60_000_000L, 3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong posted = new AtomicLong();
        Semaphore slots = new Semaphore(CONNECTIONS);
        long end = System.nanoTime() + length.toNanos();
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
            slots.acquire();
            send(url, tenant, System.nanoTime(), latency, accepted, rejected, acceptedAt, slots::release);
            posted.incrementAndGet();
        }
        slots.acquire(CONNECTIONS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(tenant, posted.get(), accepted.get(), rejected.get(), accepted.get() / seconds, latency);
    }

    /** Requests sent on a fixed schedule, latency counted from when each was due (no coordinated omission). */
    private Result fixedRate(String name, String url, double perSecond) throws InterruptedException {
        Histogram latency = new Histogram(60_000_000L, 3);
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        long total = (long) (perSecond * SECONDS);
        long interval = (long) (1e9 / perSecond);
        CountDownLatch done = new CountDownLatch((int) total);
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // pacing the generator itself, not waiting on the system under test
            }
            send(url, "bench", due, latency, accepted, rejected, null, done::countDown);
        }
        done.await(120, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(name, total, accepted.get(), rejected.get(), accepted.get() / seconds, latency);
    }

    private void send(String url, String tenant, long dueNanos, Histogram latency, AtomicLong accepted, AtomicLong rejected,
                      Map<String, Instant> acceptedAt, Runnable then) {
        String body = body(tenant);
        String id = body.substring(7, body.indexOf('"', 7));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            long micros = (System.nanoTime() - dueNanos) / 1000;
            synchronized (latency) {
                latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
            }
            if (failure == null && response.statusCode() / 100 == 2) {
                accepted.incrementAndGet();
                if (acceptedAt != null) {
                    acceptedAt.put(id, Instant.now());
                }
            } else {
                rejected.incrementAndGet();
            }
            then.run();
        });
    }

    private String subscribe(String base, String url, String tenant) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/subscriptions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"url\":\"" + url + "\",\"tenants\":[\"" + tenant + "\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String body = r.body();
        int i = body.indexOf("\"id\":\"") + 6;
        return body.substring(i, body.indexOf('"', i));
    }

    private static boolean awaitDeliveries(List<TestReceiver> subscribers, long expected, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (subscribers.stream().mapToLong(s -> s.received().size()).sum() >= expected) {
                return true;
            }
            TimeUnit.MILLISECONDS.sleep(200); // polling the subscribers' counters
        }
        return false;
    }

    private static Histogram endToEnd(List<TestReceiver> subscribers, Map<String, Instant> acceptedAt) {
        Histogram delay = new Histogram(600_000_000L, 3);
        for (TestReceiver s : subscribers) {
            for (TestReceiver.Received r : s.received()) {
                Instant accepted = acceptedAt.get(r.header("webhook-id"));
                if (accepted != null) {
                    delay.recordValue(Math.max(0, Duration.between(accepted, r.at()).toNanos() / 1000));
                }
            }
        }
        return delay;
    }

    private static void latencyRows(StringBuilder report, String what, Histogram h) {
        row(report, what + ": latency p50 / p99 / p99.9", "%s", ms(h.getValueAtPercentile(50)) + " / "
                + ms(h.getValueAtPercentile(99)) + " / " + ms(h.getValueAtPercentile(99.9)));
    }

    private static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    private static void row(StringBuilder report, String name, String format, Object value) {
        report.append("| ").append(name).append(" | ").append(String.format(format, value)).append(" |\n");
        System.out.println(name + ": " + String.format(format, value));
    }

    private static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static void waitUntilUp(String base) throws InterruptedException {
        HttpClient probe = HttpClient.newHttpClient();
        for (int i = 0; i < 240; i++) {
            try {
                if (probe.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            TimeUnit.MILLISECONDS.sleep(500); // waiting for the process to start
        }
        throw new IllegalStateException("Tributary did not start");
    }




}
