package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.AsyncRequests;
import io.tributary.TributaryApplication;
import io.tributary.ingest.WebhookProbe.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.embedded.tomcat.TomcatWebServer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Webhooks posted while Tributary starts and while it stops, as a provider would: never a {@code 404}
 * (which makes providers disable the URL), only {@code 503} with {@code Retry-After} or a refused
 * connection, and every webhook that reached it before it began to stop gets its answer. Each test
 * starts its own application on a free port, on a file database as in production.
 */
class ReadinessGateLifecycleTest {

    /** Bounds of each posting loop. */
    private static final int MAX_POSTS = 100_000;
    private static final Duration MAX_TIME = Duration.ofSeconds(120);

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    @Test
    void aWebhookPostedWhileStartingGets503UntilTheRoutesAreReadyNever404() {
        int port = freePort();
        WebhookProbe probe = new WebhookProbe(port);
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        ExecutorService starter = Executors.newSingleThreadExecutor();
        // Posting starts before the application does: the first posts must be refused.
        CompletableFuture<ConfigurableApplicationContext> app = new CompletableFuture<>();
        try {
            starter.execute(() -> {
                try {
                    app.complete(start(port));
                } catch (Throwable e) {
                    app.completeExceptionally(e);
                }
            });
            await("a webhook accepted").atMost(MAX_TIME).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        if (app.isCompletedExceptionally()) {
                            app.join(); // the start failed: its exception ends the test
                        }
                        assertThat(outcomes.size()).as("posts before one was accepted").isLessThan(MAX_POSTS);
                        Outcome outcome = probe.post();
                        outcomes.add(outcome);
                        return outcome.status() == 202;
                    });
        } finally {
            app.thenAccept(ConfigurableApplicationContext::close).exceptionally(e -> null).join();
            starter.shutdown();
        }

        List<Outcome> beforeAccepted = List.copyOf(outcomes.subList(0, outcomes.size() - 1));
        assertThat(beforeAccepted).as("posts, then one accepted").hasSizeGreaterThan(0);
        assertThat(select(beforeAccepted, o -> o.status() == 404)).as("posts answered 404").isEmpty();
        assertThat(select(beforeAccepted, o -> !o.refused() && !isProper503(o)))
                .as("before the first 202, anything but a refused connection or a proper 503").isEmpty();
        assertThat(beforeAccepted).as("posting began before the port was open").anyMatch(Outcome::refused);
        assertThat(beforeAccepted).as("the time between Tomcat listening and the routes starting was probed")
                .anyMatch(o -> o.status() == 503);
        System.out.printf("start-up: %d refused, %d answered 503, then 202%n",
                beforeAccepted.stream().filter(Outcome::refused).count(), beforeAccepted.stream().filter(o -> o.status() == 503).count());
    }

    @Test
    void aWebhookPostedWhileStoppingGets503OrIsRefusedNever404AndNoneIsCutOff() throws Exception {
        int port = freePort();
        ConfigurableApplicationContext app = start(port);
        WebhookProbe probe = new WebhookProbe(port);
        assertThat(probe.post().status()).isEqualTo(202);
        // A post Tomcat reads as its connector pauses is mapped to no application (and made a 400 by
        // Tomcat): the engine's valve answers it 503 instead (UnmappedRequestValveTest).
        assertThat(((TomcatWebServer) ((WebServerApplicationContext) app).getWebServer()).getTomcat().getEngine().getPipeline().getValves())
                .extracting(valve -> valve.getClass().getSimpleName()).contains("UnmappedRequestValve");

        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong closingAt = new AtomicLong(Long.MAX_VALUE); // System.nanoTime() when close() was called
        AtomicLong closedAt = new AtomicLong(Long.MAX_VALUE); // and when it returned
        ExecutorService posters = Executors.newFixedThreadPool(4);
        List<Future<?>> loops = new ArrayList<>();
        Instant deadline = Instant.now().plus(MAX_TIME);
        for (int i = 0; i < 4; i++) {
            loops.add(posters.submit(() -> {
                for (int n = 0; n < MAX_POSTS / 4 && Instant.now().isBefore(deadline); n++) {
                    Outcome outcome = probe.post();
                    outcomes.add(outcome);
                    if (outcome.startedAt() > closedAt.get() && outcome.refused()) {
                        return; // stopped, and the port is closed
                    }
                }
            }));
        }
        try {
            await("webhooks flowing").atMost(Duration.ofSeconds(30)).until(() -> count(outcomes, o -> o.status() == 202) >= 20);
        } finally {
            closingAt.set(System.nanoTime());
            app.close();
            closedAt.set(System.nanoTime());
        }
        for (Future<?> loop : loops) {
            loop.get(MAX_TIME.toSeconds(), TimeUnit.SECONDS);
        }
        posters.shutdown();

        List<Outcome> all = List.copyOf(outcomes);
        assertThat(select(all, o -> o.status() == 404)).as("posts answered 404").isEmpty();
        assertThat(select(all, o -> o.answered() && o.status() != 202 && !isProper503(o)))
                .as("answers other than 202 or a proper 503").isEmpty();
        // Tomcat drains what it took before it stops: every post whose connection was open before the stop
        // began got its answer (a stop that does not wait cuts them off: server.shutdown=immediate fails here).
        assertThat(select(all, o -> o.connectedAt() != 0 && o.connectedAt() < closingAt.get() && !o.answered()))
                .as("posts connected before the stop began and never answered (cut off mid-drain)").isEmpty();
        List<Outcome> afterClosed = all.stream().filter(o -> o.startedAt() > closedAt.get()).toList();
        assertThat(afterClosed).as("posts after the stop").isNotEmpty();
        assertThat(select(afterClosed, o -> !o.refused())).as("posts after the stop not refused").isEmpty();
        List<Outcome> whileClosing = all.stream().filter(o -> o.startedAt() > closingAt.get() && o.startedAt() < closedAt.get()).toList();
        System.out.printf("shutdown: %d posts; begun while closing: %d answered 202, %d answered 503, %d refused, other failures %s%n",
                all.size(), count(whileClosing, o -> o.status() == 202), count(whileClosing, o -> o.status() == 503),
                count(whileClosing, Outcome::refused),
                all.stream().filter(o -> !o.answered() && !o.refused()).map(Outcome::failure).toList());
    }

    @Test
    void aWebhookHalfSentWhenTheStopBeginsIsStillAnswered() throws Exception {
        int port = freePort();
        ConfigurableApplicationContext app = start(port);
        ThreadPoolExecutor requestThreads = (ThreadPoolExecutor) ((TomcatWebServer) ((WebServerApplicationContext) app).getWebServer())
                .getTomcat().getConnector().getProtocolHandler().getExecutor();
        byte[] body = ("{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"workspace_id\":\"w1\",\"to\":\"contact_1\","
                + "\"created_at\":1654703617}").getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;
        CompletableFuture<Void> closing = null;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/mailstand/demo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, half);
            out.flush();
            // Past the gate, it waits for the rest of its body, read without a thread (an asynchronous request in progress).
            await("the webhook in progress").atMost(Duration.ofSeconds(10))
                    .until(() -> requestThreads.getActiveCount() + AsyncRequests.inProgress((WebServerApplicationContext) app) == 1);

            closing = CompletableFuture.runAsync(app::close);
            ApplicationAvailability availability = app.getBean(ApplicationAvailability.class);
            await("readiness refusing").atMost(Duration.ofSeconds(10))
                    .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
            await("the port closed: the stop is under way").atMost(Duration.ofSeconds(10)).until(() -> refusesConnections(port));
            assertThat(closing).as("the stop waits for the webhook in progress").isNotDone();

            out.write(body, half, body.length - half);
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 202 ").contains("\"status\":\"accepted\"");
        } finally {
            (closing != null ? closing : CompletableFuture.runAsync(app::close)).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStopKeepsThePortOpenForItsGraceAndAnswersWebhooks503MeanwhileNotAReset() throws Exception {
        int port = freePort();
        ConfigurableApplicationContext app = start(port, "--tributary.ingest.stop-grace=3s");
        WebhookProbe probe = new WebhookProbe(port);
        assertThat(probe.post().status()).isEqualTo(202);
        ApplicationAvailability availability = app.getBean(ApplicationAvailability.class);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(app::close);
        try {
            await("readiness refusing").atMost(Duration.ofSeconds(10))
                    .until(() -> availability.getReadinessState() == ReadinessState.REFUSING_TRAFFIC);
            // Without the grace the port closes at once: a provider connecting now would be reset or refused.
            Outcome during = probe.post();
            assertThat(isProper503(during)).as("a webhook posted in the stop's grace: %s", during).isTrue();
            assertThat(closing).as("the stop waits out its grace").isNotDone();
        } finally {
            closing.get(60, TimeUnit.SECONDS);
        }
        assertThat(refusesConnections(port)).as("the port closed after the grace").isTrue();
    }

    private static boolean refusesConnections(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The few outcomes that match, so that a failure shows them and not thousands of refused connections. */
    private static List<Outcome> select(List<Outcome> outcomes, Predicate<Outcome> which) {
        return outcomes.stream().filter(which).limit(20).toList();
    }

    private static long count(List<Outcome> outcomes, Predicate<Outcome> which) {
        synchronized (outcomes) {
            return outcomes.stream().filter(which).count();
        }
    }

    /** 503 with {@code Retry-After} and an {@code application/problem+json} body saying so. */
    private static boolean isProper503(Outcome o) {
        if (o.status() != 503 || !"5".equals(o.retryAfter()) || !"application/problem+json".equals(o.contentType())) {
            return false;
        }
        try {
            var problem = JSON.readTree(o.body());
            return problem.path("status").asInt() == 503 && problem.path("title").asText().equals("Service Unavailable");
        } catch (IOException e) {
            return false;
        }
    }

    private static ConfigurableApplicationContext start(int port, String... more) {
        // As command-line arguments, so they win over application.yaml; a file database, as in production.
        List<String> args = new ArrayList<>(List.of("--server.port=" + port,
                "--tributary.store.url=jdbc:h2:file:" + dataDir.resolve("db-" + UUID.randomUUID()) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE",
                "--camel.main.shutdown-timeout=1"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(TributaryApplication.class).profiles("first-run", "test").run(args.toArray(String[]::new));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
