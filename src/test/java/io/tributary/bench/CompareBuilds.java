package io.tributary.bench;

import static io.tributary.bench.LoadBenchmark.BARE;
import static io.tributary.bench.LoadBenchmark.WEBHOOK;

import io.tributary.BuiltJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Two builds side by side on this machine, loaded in turns: what one change buys, measured where the
 * machine's own speed drifts by more than the change (on this shared 2-core machine by a factor of
 * two within an hour). Both jars run at once, idle while the other is loaded; each round gives each,
 * in turn, the bare endpoint and the webhook path at full speed, then a fixed rate, so a drift falls
 * on both alike. Ingest only (no subscribers).
 *
 * <pre>java -cp ... io.tributary.bench.CompareBuilds /path/to/other.jar</pre> after {@code mvn package}
 * (this build's jar is the first). Knobs: {@code -Dbench.rounds} (default 4), {@code -Dbench.rate}
 * (events/s of the fixed-rate phase, default 1500), {@code -Dbench.seconds} (per phase, default 15),
 * {@code -Dbench.warm-up} (seconds in all, default 300: both jars share it), and the load benchmark's
 * {@code -Dbench.jvm-args} and {@code -Dbench.connections}. {@code -Dbench.other-jvm-args="..."} adds
 * flags to the second jar only: give this build's jar as the other too, and it compares two settings
 * (a collector, a heap size) of one build.
 */
public final class CompareBuilds {

    private static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    private static final double RATE = Double.parseDouble(System.getProperty("bench.rate", "1500"));
    private static final Duration PHASE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 15));
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warm-up", 300));
    private static final List<String> OTHER_JVM_ARGS = LoadBenchmark.jvmFlags("bench.other-jvm-args", "");

    /** One build's process, its generator, and what its rounds added up to. */
    private static final class Build {
        final Path jar;
        final Path work;
        final Process app;
        final LoadGenerator load;
        LoadGenerator.Outcome bare;
        LoadGenerator.Outcome full;
        LoadGenerator.Outcome fixed;
        long bareTicks;
        long fullTicks;
        long fixedTicks;

        Build(Path jar, Path work, Process app, LoadGenerator load) {
            this.jar = jar;
            this.work = work;
            this.app = app;
            this.load = load;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CompareBuilds /path/to/other.jar");
        }
        LoadBenchmark payloads = new LoadBenchmark();
        java.util.function.Supplier<LoadGenerator.Payload> signed = () -> payloads.payload("bench");
        List<Build> builds = new ArrayList<>();
        try {
            for (Path jar : List.of(BuiltJar.path(), Path.of(args[0]).toAbsolutePath())) {
                int port = BuiltJar.freePort();
                Path work = Files.createTempDirectory("tributary-compare");
                Process app = LoadBenchmark.start(jar, port, 5701 + 10 * builds.size(), work, builds.isEmpty() ? List.of() : OTHER_JVM_ARGS);
                builds.add(new Build(jar, work, app, new LoadGenerator(port, LoadBenchmark.CONNECTIONS)));
                LoadBenchmark.waitUntilUp("http://127.0.0.1:" + port);
            }
            for (long end = System.nanoTime() + WARM_UP.toNanos(); System.nanoTime() < end; ) {
                for (Build b : builds) {
                    b.load.closedLoop(WEBHOOK, Duration.ofSeconds(5), signed, id -> { });
                    b.load.closedLoop(BARE, Duration.ofSeconds(2), signed, id -> { });
                }
            }
            for (int round = 0; round < ROUNDS; round++) {
                for (Build b : builds) {
                    long t0 = LoadBenchmark.cpuTicks(b.app.pid());
                    LoadGenerator.Outcome bare = b.load.closedLoop(BARE, PHASE.dividedBy(2), signed, id -> { });
                    long t1 = LoadBenchmark.cpuTicks(b.app.pid());
                    LoadGenerator.Outcome full = b.load.closedLoop(WEBHOOK, PHASE.dividedBy(2), signed, id -> { });
                    long t2 = LoadBenchmark.cpuTicks(b.app.pid());
                    b.load.fixedRate(WEBHOOK, RATE, Duration.ofSeconds(3), signed, id -> { }); // settles
                    long t3 = LoadBenchmark.cpuTicks(b.app.pid());
                    LoadGenerator.Outcome fixed = b.load.fixedRate(WEBHOOK, RATE, PHASE, signed, id -> { });
                    long t4 = LoadBenchmark.cpuTicks(b.app.pid());
                    b.bare = b.bare == null ? bare : b.bare.plus(bare);
                    b.full = b.full == null ? full : b.full.plus(full);
                    b.fixed = b.fixed == null ? fixed : b.fixed.plus(fixed);
                    b.bareTicks += t1 - t0;
                    b.fullTicks += t2 - t1;
                    b.fixedTicks += t4 - t3;
                    System.out.printf("round %d, %s: bare %.0f/s, Tributary %.0f/s, at %.0f/s p99 %s%n", round + 1, b.jar.getFileName(),
                            bare.acceptedPerSecond(), full.acceptedPerSecond(), RATE, LoadBenchmark.ms(fixed.latencyUs().getValueAtPercentile(99)));
                }
            }
        } finally {
            for (Build b : builds) {
                LoadBenchmark.stop(b.app, b.work);
            }
        }
        StringBuilder report = new StringBuilder("| " + ROUNDS + " rounds, interleaved | ")
                .append(builds.get(0).jar.getFileName() + " (this build) | " + builds.get(1).jar.getFileName()
                        + (OTHER_JVM_ARGS.isEmpty() ? "" : " with " + String.join(" ", OTHER_JVM_ARGS)) + " |\n|---|---|---|\n");
        line(report, builds, "bare endpoint: requests/s; CPU per request",
                b -> String.format("%.0f; %s", b.bare.acceptedPerSecond(), LoadBenchmark.micros(b.bareTicks, b.bare.accepted())));
        line(report, builds, "Tributary at full speed: events/s; CPU per event",
                b -> String.format("%.0f; %s", b.full.acceptedPerSecond(), LoadBenchmark.micros(b.fullTicks, b.full.accepted())));
        line(report, builds, "ratio to the bare endpoint", b -> String.format("%.1f %%", 100 * b.full.acceptedPerSecond() / b.bare.acceptedPerSecond()));
        line(report, builds, String.format("at %.0f events/s: p50 / p99 / p99.9; CPU per event", RATE), b -> {
            Histogram h = b.fixed.latencyUs();
            return LoadBenchmark.ms(h.getValueAtPercentile(50)) + " / " + LoadBenchmark.ms(h.getValueAtPercentile(99)) + " / "
                    + LoadBenchmark.ms(h.getValueAtPercentile(99.9)) + "; " + LoadBenchmark.micros(b.fixedTicks, b.fixed.accepted());
        });
        line(report, builds, "ledger: posted = accepted + rejected", b -> {
            long posted = b.full.posted() + b.fixed.posted();
            long accepted = b.full.accepted() + b.fixed.accepted();
            long rejected = b.full.rejected() + b.fixed.rejected();
            return posted + " = " + accepted + " + " + rejected + (posted == accepted + rejected ? " (holds)" : " (VOID)");
        });
        Files.createDirectories(Path.of("target/benchmarks"));
        Files.writeString(Path.of("target/benchmarks/compare.md"), report.toString());
        System.out.println("\n" + report);
        System.exit(0);
    }

    private static void line(StringBuilder report, List<Build> builds, String name, java.util.function.Function<Build, String> value) {
        report.append("| ").append(name).append(" | ").append(value.apply(builds.get(0))).append(" | ")
                .append(value.apply(builds.get(1))).append(" |\n");
    }
}
