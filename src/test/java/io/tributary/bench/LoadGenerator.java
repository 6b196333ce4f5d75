package io.tributary.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * A lean HTTP/1.1 load generator for loopback: a fixed number of keep-alive connections, one thread
 * each, blocking socket I/O, no allocation beyond the request bytes. The JDK HTTP client spent about as
 * much CPU per request as the server under test, on the same two cores; this spends a fraction, as
 * wrk does.
 */
final class LoadGenerator {

    /**
     * One request: its body, the id the subscribers will see for it, and extra header lines (each
     * ending in CRLF; a signature), empty for none.
     */
    record Payload(String id, byte[] body, String headers) {
    }

    /** What a phase measured. Latency in microseconds, from when each request was due. */
    record Outcome(long posted, long accepted, long rejected, double seconds, Histogram latencyUs) {

        double acceptedPerSecond() {
            return accepted / seconds;
        }

        /** This phase and {@code other} as one: counts and time added, latencies merged. */
        Outcome plus(Outcome other) {
            Histogram both = latencyUs.copy();
            both.add(other.latencyUs);
            return new Outcome(posted + other.posted, accepted + other.accepted, rejected + other.rejected,
                    seconds + other.seconds, both);
        }
    }

    private final int port;
    private final int connections;
    /** Open connections, kept from one phase to the next: a phase does not start with connects. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Connection> idle = new java.util.concurrent.ConcurrentLinkedQueue<>();

    LoadGenerator(int port, int connections) {
        this.port = port;
        this.connections = connections;
    }

    /** Every connection sends its next request as soon as the last is answered: the most the server takes. */
    Outcome closedLoop(String path, Duration length, Supplier<Payload> payloads, Consumer<String> onAccepted) throws InterruptedException {
        long end = System.nanoTime() + length.toNanos();
        return run(path, payloads, onAccepted, slot -> System.nanoTime() < end ? System.nanoTime() : -1);
    }

    /**
     * Requests due on a fixed schedule, {@code perSecond} in all, latency counted from when each was due
     * (a request that waits for a free connection counts its wait: no coordinated omission).
     */
    Outcome fixedRate(String path, double perSecond, Duration length, Supplier<Payload> payloads, Consumer<String> onAccepted)
            throws InterruptedException {
        long total = (long) (perSecond * length.toSeconds());
        long interval = (long) (1e9 / perSecond);
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        return run(path, payloads, onAccepted, slot -> slot < total ? start + slot * interval : -1);
    }

    private interface Schedule {
        /** When request number {@code slot} is due (nanoTime), or -1 when the phase is over. */
        long due(long slot);
    }

    private Outcome run(String path, Supplier<Payload> payloads, Consumer<String> onAccepted, Schedule schedule) throws InterruptedException {
        AtomicLong slots = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        List<Histogram> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            Histogram latency = new Histogram(120_000_000L, 3);
            latencies.add(latency);
            Thread thread = new Thread(() -> {
                Connection connection = idle.poll();
                try {
                    while (true) {
                        long due = schedule.due(slots.getAndIncrement());
                        if (due < 0) {
                            return;
                        }
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait); // pacing the generator to the schedule
                        }
                        Payload payload = payloads.get();
                        int status;
                        try {
                            if (connection == null) {
                                connection = new Connection(port);
                            }
                            status = connection.post(path, payload.body(), payload.headers());
                            if (connection.closing) {
                                connection.close();
                                connection = null;
                            }
                        } catch (IOException e) {
                            status = -1;
                            if (connection != null) {
                                connection.close();
                            }
                            connection = null;
                        }
                        latency.recordValue(Math.min(latency.getHighestTrackableValue(), (System.nanoTime() - due) / 1000));
                        if (status / 100 == 2) {
                            accepted.incrementAndGet();
                            onAccepted.accept(payload.id());
                        } else {
                            rejected.incrementAndGet();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    if (connection != null) {
                        idle.add(connection);
                    }
                }
            }, "load-" + i);
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram all = new Histogram(120_000_000L, 3);
        latencies.forEach(all::add);
        return new Outcome(accepted.get() + rejected.get(), accepted.get(), rejected.get(), seconds, all);
    }

    /** One keep-alive HTTP/1.1 connection: writes a POST, reads the status and skips the body. */
    private static final class Connection implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        private final String host;

        Connection(int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port));
            socket.setSoTimeout(60_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            host = "127.0.0.1:" + port;
        }

        /** The server said it closes the connection after this response: open a new one for the next. */
        boolean closing;

        int post(String path, byte[] body, String headers) throws IOException {
            byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n" + headers
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[head.length + body.length];
            System.arraycopy(head, 0, request, 0, head.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
            out.flush();

            String statusLine = line();
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true; // Tomcat ends a keep-alive connection after 100 requests
                } else if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else {
                skip(length);
            }
            return status;
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        private void skip(long n) throws IOException {
            for (long left = n; left > 0; ) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
