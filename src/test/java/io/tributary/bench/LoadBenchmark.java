package io.tributary.bench;

import io.tributary.BuiltJar;
import io.tributary.TestReceiver;
import io.tributary.ingest.EventKeys;
import java.io.IOException;
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
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load benchmark: Tributary's built jar as a process on loopback with its durable
 * defaults (H2 file store), real Mailstand payloads posted by a lean HTTP/1.1 generator
 * ({@link LoadGenerator}), subscribers on loopback counting deliveries, and the bare endpoint of the
 * same server stack measured in the same run. Deliveries are measured twice: their rate with ingest at
 * full speed, and their delay at a fixed rate both sides sustain. Beside the rates it reports the CPU
 * the Tributary process spent per request (from {@code /proc}), which this shared machine's noise moves
 * far less than it moves the rates.
 *
 * <pre>mvn -B -Pbenchmark verify</pre> (or run this class's main after {@code mvn package}). Prints a
 * Markdown report and writes it to {@code target/benchmarks/load.md}. Sizes: {@code -Dbench.seconds}
 * (per phase, default 20), {@code -Dbench.warm-up} (seconds, default 150), {@code -Dbench.connections} (default 32); {@code -Dbench.ingest-only=true} skips
 * the delivery phases (for profiling ingest).
 *
 * <p>Nothing here is asserted: the numbers are reported, and a broken ledger voids the run.
 */
public final class LoadBenchmark {

    private static final int SECONDS = Integer.getInteger("bench.seconds", 20);
    static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);
    /** The signed source's webhook URL, and the bare endpoint beside it on the same stack. */
    static final String WEBHOOK = "/webhooks/mailstand/bench";
    static final String BARE = "/bench/bare";
    /**
     * What the README recommends for production (young pauses about 12 instead of 29 ms here): promote
     * the long-lived (the dedup window, the database's pages) after 2 young collections instead of
     * copying them up to 15 times, and refine dirty cards concurrently instead of in the pause; and
     * compile with two optimizing (C2) compiler threads, not the one the JVM picks on two cores, each
     * inlining as JDK 13 did (less code per compilation: the warm-up is C2's queue). The README, spring-boot:run
     * and the Docker image use the same ({@code RecommendedJvmFlagsTest}).
     */
    static final String RECOMMENDED_JVM_FLAGS = "-XX:MaxTenuringThreshold=2 -XX:G1RSetUpdatingPauseTimePercent=2 -XX:CICompilerCount=3 -XX:MaxInlineLevel=9 -XX:InlineSmallCode=1000";
    /** Both paths in turns before anything is measured: about what the JIT needed here to settle. */
    private static final int WARM_UP_SECONDS = Integer.getInteger("bench.warm-up", 150);
    /** The benchmark source's HMAC secret (a throwaway: the process lives for one run). */
    private static final String SECRET = "bench-" + java.util.UUID.randomUUID();

    /** For the admin calls (subscriptions); the load itself goes through {@link LoadGenerator}. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(2)).build();
    private final AtomicLong sequence = new AtomicLong();

    public static void main(String[] args) throws Exception {
        new LoadBenchmark().run();
        System.exit(0);
    }

    void run() throws Exception {
        Path work = Files.createTempDirectory("tributary-bench");
        int port = BuiltJar.freePort();
        List<TestReceiver> subscribers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            subscribers.add(new TestReceiver());
        }
        List<String> jfr = List.of();
        if (Boolean.getBoolean("bench.jfr")) { // -Dbench.jfr=true: a flight recording of the whole run
            Files.createDirectories(Path.of("target/benchmarks"));
            jfr = List.of("-XX:StartFlightRecording=filename=" + Path.of("target/benchmarks/tributary.jfr").toAbsolutePath() + ",settings=profile");
        }
        Process app = start(BuiltJar.path(), port, 5701, work, jfr);
        int plainPort = BuiltJar.freePort();
        Process plainApp = startPlain(plainPort, work);
        StringBuilder report = new StringBuilder();
        LoadGenerator load = new LoadGenerator(port, CONNECTIONS);
        LoadGenerator plainLoad = new LoadGenerator(plainPort, CONNECTIONS);
        Duration phase = Duration.ofSeconds(SECONDS);
        Duration warmUp = Duration.ofSeconds(WARM_UP_SECONDS);
        try {
            String base = "http://127.0.0.1:" + port;
            waitUntilUp(base);
            waitUntilPlainUp(plainPort);
            report.append("| measurement | value |\n|---|---|\n");

            // Warm-up: both paths in turns until the JIT has compiled both (a cold bare endpoint ran at a
            // third of its warm rate, which flattered the ratio). Then both are measured in alternating
            // halves, so a drift of this machine's speed falls on both alike.
            row(report, "warm-up; the JIT's share of a core in its last turn", "%s", warmUp(app, warmUp, () -> {
                plainLoad.closedLoop(PlainEndpoint.PATH, Duration.ofSeconds(5), () -> payload("bench"), id -> { });
                load.closedLoop(BARE, Duration.ofSeconds(5), () -> payload("bench"), id -> { });
                load.closedLoop(WEBHOOK, Duration.ofSeconds(5), () -> payload("bench"), id -> { });
            }));
            Duration half = phase.dividedBy(2);
            // The CPU the Tributary process spends per request (its user + system time over what it
            // answered): what an event costs, steadier on this shared machine than the rates are.
            LoadGenerator.Outcome plain = plainLoad.closedLoop(PlainEndpoint.PATH, half, () -> payload("bench"), id -> { });
            long cpu0 = cpuTicks(app.pid());
            LoadGenerator.Outcome bare = load.closedLoop(BARE, half, () -> payload("bench"), id -> { });
            long cpu1 = cpuTicks(app.pid());
            LoadGenerator.Outcome full = load.closedLoop(WEBHOOK, half, () -> payload("bench"), id -> { });
            long cpu2 = cpuTicks(app.pid());
            plain = plain.plus(plainLoad.closedLoop(PlainEndpoint.PATH, half, () -> payload("bench"), id -> { }));
            long cpu2b = cpuTicks(app.pid());
            bare = bare.plus(load.closedLoop(BARE, half, () -> payload("bench"), id -> { }));
            long cpu3 = cpuTicks(app.pid());
            full = full.plus(load.closedLoop(WEBHOOK, half, () -> payload("bench"), id -> { }));
            long cpu4 = cpuTicks(app.pid());
            row(report, "plain Spring MVC endpoint (same Boot and Tomcat, own JVM): requests/s", "%.0f", plain.acceptedPerSecond());
            row(report, "Camel platform-http bare route (in Tributary's JVM): requests/s", "%.0f", bare.acceptedPerSecond());
            row(report, "Tributary: durably accepted events/s (no subscriber)", "%.0f", full.acceptedPerSecond());
            row(report, "ratio to the plain endpoint (the target: at least 0.5)", "%.2f", full.acceptedPerSecond() / plain.acceptedPerSecond());
            row(report, "ratio to the Camel bare route", "%.2f", full.acceptedPerSecond() / bare.acceptedPerSecond());
            latencyRows(report, "plain endpoint at full speed", plain.latencyUs());
            row(report, "process CPU per request, full speed: bare / Tributary", "%s",
                    micros(cpu1 - cpu0 + cpu3 - cpu2b, bare.accepted()) + " / " + micros(cpu2 - cpu1 + cpu4 - cpu3, full.accepted()));
            row(report, "ledger, no subscriber: posted = accepted + rejected", "%s", ledger(full));
            latencyRows(report, "Tributary at full speed", full.latencyUs());

            double rate = 0.7 * full.acceptedPerSecond();
            // The step from full speed to the schedule (and the generator's pacing path) settles first.
            load.fixedRate(WEBHOOK, rate, Duration.ofSeconds(5), () -> payload("bench"), id -> { });
            long cpu5 = cpuTicks(app.pid());
            Map<String, Long> threads5 = threadTicks(app.pid());
            double[] gc5 = gcPauses(base);
            LoadGenerator.Outcome fixed = load.fixedRate(WEBHOOK, rate, phase, () -> payload("bench"), id -> { });
            double[] gc6 = gcPauses(base);
            row(report, "ingest at 70 % of full speed (fixed rate): rate", "%.0f/s", rate);
            latencyRows(report, "ingest at 70 %", fixed.latencyUs());
            row(report, "ingest at 70 %: process CPU per event", "%s", micros(cpuTicks(app.pid()) - cpu5, fixed.accepted()));
            row(report, "ingest at 70 %: CPU per event by thread", "%s", byThread(threads5, threadTicks(app.pid()), fixed.accepted()));
            // What the tail is made of: the collector's pauses in the phase, and the same schedule
            // against the bare endpoint (the stack's own tail at this rate, and the generator's).
            row(report, "ingest at 70 %: collector pauses (count; mean; share of the phase)", "%s", String.format("%.0f; %.1f ms; %.1f %%",
                    gc6[0] - gc5[0], 1000 * (gc6[1] - gc5[1]) / Math.max(1, gc6[0] - gc5[0]), 100 * (gc6[1] - gc5[1]) / fixed.seconds()));
            load.fixedRate(BARE, rate, Duration.ofSeconds(5), () -> payload("bench"), id -> { });
            latencyRows(report, "bare endpoint at the same rate", load.fixedRate(BARE, rate, phase, () -> payload("bench"), id -> { }).latencyUs());

            for (int n : Boolean.getBoolean("bench.ingest-only") ? new int[0] : new int[] {1, 10}) {
                String tenant = "bench-" + n;
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    ids.add(subscribe(base, subscribers.get(i).url(), tenant));
                }
                List<TestReceiver> receiving = subscribers.subList(0, n);
                String who = "with " + n + " subscriber" + (n == 1 ? "" : "s");

                // The delivery path (the client, signing, settling) is new code for the JIT, and an
                // ingest path with a subscriber takes branches it did not: warmed as ingest was, or the
                // phase measures the compiler (measured: a third to a half of a core for two minutes).
                row(report, who + ": warm-up; the JIT's share of a core in its last turn", "%s", warmUp(app, warmUp.dividedBy(2), () -> {
                    long sent = received(receiving);
                    LoadGenerator.Outcome turn = load.closedLoop(WEBHOOK, Duration.ofSeconds(10), () -> payload(tenant), id -> { });
                    awaitDeliveries(receiving, sent + turn.accepted() * n, Duration.ofSeconds(300));
                }));

                // Throughput: ingest at full speed, then wait until every delivery has arrived.
                long before = received(receiving);
                Instant start = Instant.now();
                long cpuRun = cpuTicks(app.pid());
                Map<String, Long> threadsRun = threadTicks(app.pid());
                LoadGenerator.Outcome run = load.closedLoop(WEBHOOK, phase, () -> payload(tenant), id -> { });
                Instant ingestEnd = Instant.now();
                long atIngestEnd = received(receiving);
                boolean drained = awaitDeliveries(receiving, before + run.accepted() * n, Duration.ofSeconds(300));
                Instant drainEnd = Instant.now();
                double deliveredPerSecond = (received(receiving) - before) / seconds(start, drainEnd);
                double drainPerSecond = (received(receiving) - atIngestEnd) / seconds(ingestEnd, drainEnd);
                row(report, who + ", full speed: accepted events/s", "%.0f", run.acceptedPerSecond());
                row(report, who + ", full speed: delivered/s (until all arrived)", "%.0f", deliveredPerSecond);
                row(report, who + ": delivered/s once ingest stopped (the backlog's drain)", "%.0f", drainPerSecond);
                // Until every delivery of the phase arrived: an event's whole cost, its delivery included.
                row(report, who + ", full speed: process CPU per event, then by thread", "%s", micros(cpuTicks(app.pid()) - cpuRun, run.accepted())
                        + "; " + byThread(threadsRun, threadTicks(app.pid()), run.accepted()));
                row(report, who + ", full speed: ledger posted = accepted + rejected; accepted x " + n + " = delivered", "%s",
                        ledger(run, n, received(receiving) - before, drained));

                // Delay: a fixed rate both sides sustain (70 % of the lower of ingest and delivery while ingesting).
                double sustained = 0.7 * Math.min(run.acceptedPerSecond(), deliveredPerSecond / n);
                Map<String, Instant> acceptedAt = new ConcurrentHashMap<>();
                long beforeFixed = received(receiving);
                LoadGenerator.Outcome paced = load.fixedRate(WEBHOOK, sustained, phase, () -> payload(tenant),
                        id -> acceptedAt.put(EventKeys.of("mailstand", "bench", id), Instant.now())); // as webhook-id carries it
                boolean pacedDrained = awaitDeliveries(receiving, beforeFixed + paced.accepted() * n, Duration.ofSeconds(300));
                Histogram delay = endToEnd(receiving, acceptedAt);
                row(report, who + ", fixed rate " + Math.round(sustained) + " events/s: accepted to delivered p50 / p99 / p99.9", "%s",
                        ms(delay.getValueAtPercentile(50)) + " / " + ms(delay.getValueAtPercentile(99)) + " / "
                                + ms(delay.getValueAtPercentile(99.9)));
                row(report, who + ", fixed rate: ledger", "%s", ledger(paced, n, received(receiving) - beforeFixed, pacedDrained));
                for (String id : ids) {
                    http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/subscriptions/" + id)).DELETE().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }
            row(report, "peak resident memory of the Tributary process", "%s", peakRss(app.pid()));
        } finally {
            plainApp.destroy();
            stop(app, work);
            subscribers.forEach(TestReceiver::close);
        }
        String text = "Load benchmark, " + SECONDS + " s per phase, " + CONNECTIONS + " connections, "
                + Runtime.getRuntime().availableProcessors() + " cores, " + Instant.now() + "\n\n" + report;
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/load.md"), text);
        System.out.println("\n" + text);
    }

    /**
     * Starts a Tributary jar on {@code port} with its durable defaults under {@code work}, the signed
     * benchmark source, and the bare endpoint's route; its output goes to {@code work/app.log}.
     */
    static Process start(Path jar, int port, int clusterPort, Path work, List<String> extraJvmArgs) throws IOException {
        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin(), "-Xmx2g"));
        // The README's recommended flags, unless -Dbench.jvm-args="..." gives others ("" for the JVM's defaults).
        command.addAll(jvmFlags("bench.jvm-args", RECOMMENDED_JVM_FLAGS));
        command.addAll(extraJvmArgs);
        command.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--tributary.cluster.port=" + clusterPort,
                "--tributary.store.data-dir=" + work.resolve("data"),
                // Subscriptions and metrics through the admin API from loopback without a token.
                "--spring.profiles.active=first-run",
                "--tributary.delivery.allowed-networks=127.0.0.0/8",
                "--tributary.delivery.max-in-flight=16",
                // The source posted to requires a signature, as a production source would.
                "--tributary.sources.bench.provider=mailstand", "--tributary.sources.bench.tenant=bench",
                "--tributary.sources.bench.auth.type=hmac", "--tributary.sources.bench.auth.header=X-Signature",
                "--tributary.sources.bench.auth.prefix=sha256=", "--tributary.sources.bench.auth.secrets=" + SECRET,
                "--camel.main.routes-include-pattern=classpath:routes/*.camel.yaml,file:src/test/resources/bench/bare.camel.yaml",
                "--logging.level.root=WARN"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("app.log").toFile()).start();
    }

    /**
     * Starts {@link PlainEndpoint} in a JVM of its own, with Tributary's heap and flags, on this
     * benchmark's classpath; its output goes to {@code work/plain.log}.
     */
    static Process startPlain(int port, Path work) throws IOException {
        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin(), "-Xmx2g"));
        command.addAll(jvmFlags("bench.jvm-args", RECOMMENDED_JVM_FLAGS));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PlainEndpoint.class.getName(),
                "--server.port=" + port, "--logging.level.root=WARN"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(work.resolve("plain.log").toFile()).start();
    }

    private static void waitUntilPlainUp(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (int i = 0; i < 120; i++) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PlainEndpoint.PATH))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    return;
                }
            } catch (IOException notYet) {
                // starting
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        }
        throw new IllegalStateException("the plain endpoint did not start");
    }

    /** JVM flags given in a system property, space-separated; none when it is blank. */
    static List<String> jvmFlags(String property, String fallback) {
        String flags = System.getProperty(property, fallback);
        return flags.isBlank() ? List.of() : List.of(flags.trim().split("\\s+"));
    }

    /**
     * Stops a process {@link #start} started and deletes its database: a run at full speed leaves
     * gigabytes of it (H2 keeps what each commit replaced for 45 s before reusing the space). Its
     * log stays, in {@code work}.
     */
    static void stop(Process app, Path work) throws InterruptedException, IOException {
        app.destroy();
        app.waitFor(30, TimeUnit.SECONDS);
        org.springframework.util.FileSystemUtils.deleteRecursively(work.resolve("data"));
    }

    LoadGenerator.Payload payload(String tenant) {
        long n = sequence.incrementAndGet();
        String id = "evt_bench_" + n + "_" + System.nanoTime();
        String body = "{\"id\":\"" + id + "\",\"msg\":\"msg_" + n + "\",\"cnv\":\"cnv_" + n
                + "\",\"type\":\"click\",\"workspace_id\":\"" + tenant + "\",\"campaign_id\":\"camp_pow0dj20jc20jkd2nx\","
                + "\"campaign_name\":\"My First Campaign\",\"mailbox_id\":\"mailbox_asnsd209j2jd22\",\"mailbox_email\":\"sales@acme.test\","
                + "\"to\":\"contact_" + n + "\",\"to_email\":\"jane" + n + "@example.com\",\"subject\":\"Quick Question\","
                + "\"text\":\"Hi Jane, do you have 10 minutes this week?\",\"html\":\"<p>Hi Jane</p>\","
                + "\"uni_id\":\"CABssC8717987kjaWfj9YoiiH=z52FDe31w65XiHdTeXWk4fWBg@mail.gmail.com\",\"created_at\":1654703617}";
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new LoadGenerator.Payload(id, bytes, "X-Signature: sha256=" + sign(bytes) + "\r\n");
    }

    private static String sign(byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ledger(LoadGenerator.Outcome o) {
        return o.posted() + " = " + o.accepted() + " + " + o.rejected() + (o.posted() == o.accepted() + o.rejected() ? " (holds)" : " (VOID)");
    }

    private static String ledger(LoadGenerator.Outcome o, int subscribers, long delivered, boolean drained) {
        long expected = o.accepted() * subscribers;
        boolean holds = drained && expected == delivered && o.posted() == o.accepted() + o.rejected();
        return o.posted() + " = " + o.accepted() + " + " + o.rejected() + "; " + expected + " = " + delivered
                + (holds ? " (holds)" : " (VOID)");
    }

    private static long received(List<TestReceiver> subscribers) {
        return subscribers.stream().mapToLong(s -> s.count()).sum();
    }

    private static double seconds(Instant from, Instant to) {
        return Math.max(0.001, Duration.between(from, to).toMillis() / 1000.0);
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
            if (subscribers.stream().mapToLong(s -> s.count()).sum() >= expected) {
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

    /** The collector's pauses so far (count, seconds in all), from the process's own metrics. */
    private double[] gcPauses(String base) throws IOException, InterruptedException {
        double[] pauses = new double[2];
        http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString())
                .body().lines().filter(l -> l.startsWith("jvm_gc_pause_seconds_count") || l.startsWith("jvm_gc_pause_seconds_sum"))
                .forEach(l -> pauses[l.startsWith("jvm_gc_pause_seconds_count") ? 0 : 1] += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
        return pauses;
    }

    private static void latencyRows(StringBuilder report, String what, Histogram h) {
        row(report, what + ": latency p50 / p99 / p99.9", "%s", ms(h.getValueAtPercentile(50)) + " / "
                + ms(h.getValueAtPercentile(99)) + " / " + ms(h.getValueAtPercentile(99.9)));
    }

    static String ms(long micros) {
        return String.format("%.1f ms", micros / 1000.0);
    }

    private static void row(StringBuilder report, String name, String format, Object value) {
        report.append("| ").append(name).append(" | ").append(String.format(format, value)).append(" |\n");
        System.out.println(name + ": " + String.format(format, value));
    }

    /** User plus system time of a process, in clock ticks (1/100 s on Linux); 0 where /proc has none. */
    static long cpuTicks(long pid) {
        try {
            return ticks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime from a /proc stat line (of a process or of one of its threads). */
    private static long ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * The process's CPU time by kind of thread, in clock ticks: where a request's cost goes (the route
     * runs on Tomcat's threads; the journal, Hazelcast, the collector and the JIT have their own).
     */
    static Map<String, Long> threadTicks(long pid) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    byKind.merge(threadKind(name), ticks(stat), Long::sum);
                } catch (IOException | RuntimeException ended) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc here
        }
        return byKind;
    }

    /** A thread's kind from its name as /proc gives it (cut to 15 characters). */
    private static String threadKind(String name) {
        if (name.startsWith("http-nio")) {
            return "Tomcat (the route)";
        } else if (name.startsWith("tributary-jour")) {
            return "journal";
        } else if (name.startsWith("hz.")) {
            return "Hazelcast";
        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
            return "GC";
        } else if (name.contains("CompilerThre")) {
            return "JIT";
        }
        return "other";
    }

    private static String byThread(Map<String, Long> before, Map<String, Long> after, long events) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + micros(e.getValue(), events))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** One turn of load; may throw what the load throws. */
    @FunctionalInterface
    private interface Turn {
        void run() throws Exception;
    }

    /**
     * Runs turns of load for at least {@code least}, and on, up to twice it, while the JIT still takes
     * more than a tenth of a core (on a slow hour of this machine it was a fifth of an event's CPU at
     * 70 %). Returns how long it ran and the JIT's share in the last turn.
     */
    private static String warmUp(Process app, Duration least, Turn turn) throws Exception {
        long started = System.nanoTime();
        double jitShare = 1;
        while (System.nanoTime() - started < least.toNanos() || (jitShare > 0.1 && System.nanoTime() - started < 2 * least.toNanos())) {
            long jit0 = threadTicks(app.pid()).getOrDefault("JIT", 0L);
            long t0 = System.nanoTime();
            turn.run();
            jitShare = (threadTicks(app.pid()).getOrDefault("JIT", 0L) - jit0) * 10_000_000.0 / (System.nanoTime() - t0);
        }
        return String.format("%.0f s; %.0f %%", (System.nanoTime() - started) / 1e9, 100 * jitShare);
    }

    static String micros(long ticks, long requests) {
        return ticks <= 0 || requests == 0 ? "n/a" : String.format("%.0f µs", ticks * 10_000.0 / requests);
    }

    private static String peakRss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .map(l -> l.replaceAll("\\s+", " ").substring(7)).findFirst().orElse("n/a");
        } catch (IOException e) {
            return "n/a";
        }
    }

    static void waitUntilUp(String base) throws InterruptedException {
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
