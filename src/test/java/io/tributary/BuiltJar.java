package io.tributary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Tributary's built jar, for the tests and benchmarks that run it as a real process on loopback. */
public final class BuiltJar {

    private BuiltJar() {
    }

    /** {@code target/tributary-*.jar}; it exists after {@code mvn package}. */
    public static Path path() {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("tributary-.*\\.jar")
                            && !p.getFileName().toString().endsWith("-plain.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("run after mvn package: no jar in target/"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The java launcher of the JVM running this. */
    public static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Waits for a started jar to answer its health check with 200. Fails at once if the process ends, and
     * with the end of its log either way: a test's log lives in its temporary directory, gone after the run.
     */
    public static void awaitHealthy(Process process, WebhookClient client, Path log, Duration atMost) {
        try {
            Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .failFast("the process ended", () -> !process.isAlive())
                    .until(() -> client.get("/actuator/health").status() == 200);
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; the end of " + log.getFileName() + ":\n" + tail(log), e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** A port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
