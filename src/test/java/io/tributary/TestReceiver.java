package io.tributary;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A real subscriber on loopback (the JDK's HTTP server): records every request it gets and answers
 * as the test scripts it, by the number of the request (1 for the first).
 */
public final class TestReceiver implements AutoCloseable {

    /** A request as the subscriber saw it; header names in lower case. */
    public record Received(Instant at, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String bodyText() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** What to answer: a status and optional headers. */
    public record Reply(int status, Map<String, String> headers) {
        public static Reply of(int status) {
            return new Reply(status, Map.of());
        }
    }

    private final HttpServer server;
    static {
        // Answer without Nagle's delay: a response written as headers then body otherwise waits for
        // the client's delayed ACK, about 40 ms per request (it held the benchmark's deliveries to
        // one subscriber near 16 / 40 ms = 400/s). Read once, when the JDK's server first starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** Appended to under load (a benchmark's 100,000 deliveries): not a copy-on-write list. */
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch unblock = new CountDownLatch(1);
    private volatile IntFunction<Reply> script = n -> Reply.of(200);
    private volatile boolean blocking;
    private volatile Body answerBody = Body.WHOLE;

    /** How the answer's body goes out. */
    private enum Body { WHOLE, HANGING, TRICKLING }

    public TestReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, List<String>> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
            received.add(new Received(Instant.now(), headers, body));
            if (blocking) {
                try {
                    unblock.await(60, TimeUnit.SECONDS); // a subscriber that hangs
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Reply reply = script.apply(received.size());
            reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (answerBody != Body.WHOLE) {
                answerSlowly(exchange, reply.status());
                return;
            }
            byte[] answer = "ok".getBytes();
            exchange.sendResponseHeaders(reply.status(), answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    public TestReceiver answering(IntFunction<Reply> script) {
        this.script = script;
        return this;
    }

    /** Every request hangs until {@link #close()}. */
    public TestReceiver hanging() {
        this.blocking = true;
        return this;
    }

    /** Every answer sends its headers and the start of its body, then nothing more until {@link #close()}. */
    public TestReceiver hangingMidBody() {
        this.answerBody = Body.HANGING;
        return this;
    }

    /** Every answer sends its headers, then one byte of its body every 100 ms, for a minute. */
    public TestReceiver tricklingBody() {
        this.answerBody = Body.TRICKLING;
        return this;
    }

    private void answerSlowly(com.sun.net.httpserver.HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, 1_000_000);
        try (var out = exchange.getResponseBody()) {
            out.write("partial".getBytes());
            out.flush();
            for (int i = 0; i < 600; i++) {
                if (unblock.await(answerBody == Body.HANGING ? 60_000 : 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
                out.write('.');
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException clientWentAway) {
            // the client cut the answer off: what a deadline does
        }
    }

    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** How many requests arrived, without copying them. */
    public int count() {
        return received.size();
    }

    @Override
    public void close() {
        unblock.countDown();
        server.stop(0);
    }
}
