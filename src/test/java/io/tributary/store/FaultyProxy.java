package io.tributary.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a real database, to give it a bad day: {@link #stall()} stops
 * forwarding in both directions (a database that hangs: statements neither answer nor fail), and
 * {@link #cut()} drops every connection and refuses new ones (a database that is down); {@link #heal()}
 * makes it whole again, forwarding what a stall held back.
 */
public final class FaultyProxy implements AutoCloseable {

    private enum Mode { OPEN, STALLED, CUT }

    /** What a PostgreSQL CancelRequest carries after its length (the protocol's 1234 and 5678). */
    private static final int CANCEL_REQUEST_CODE = 80877102;

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.OPEN;
    private final Object gate = new Object();
    private final AtomicInteger cancelRequests = new AtomicInteger();
    private final AtomicInteger opened = new AtomicInteger();

    public FaultyProxy(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "faulty-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * How many PostgreSQL cancel requests clients sent through the proxy (counted as they arrive, also
     * while stalled). Seen only on connections without TLS.
     */
    public int cancelRequests() {
        return cancelRequests.get();
    }

    /** How many client connections sent their first message (a cancel request counts too), also while stalled. */
    public int connectionsOpened() {
        return opened.get();
    }

    public void stall() {
        mode = Mode.STALLED;
    }

    public void cut() {
        mode = Mode.CUT;
        sockets.forEach(FaultyProxy::closeQuietly);
        sockets.clear();
    }

    public void heal() {
        synchronized (gate) {
            mode = Mode.OPEN;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                if (mode == Mode.CUT) {
                    client.close();
                    continue;
                }
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    /** @param fromClient whether {@code from} is the client, whose first message says what the connection is for */
    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            byte[] first = new byte[8];
            int seen = fromClient ? 0 : first.length;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    if (seen < first.length) {
                        int take = Math.min(n, first.length - seen);
                        System.arraycopy(buffer, 0, first, seen, take);
                        seen += take;
                        if (seen == first.length) {
                            if (ByteBuffer.wrap(first).getInt(4) == CANCEL_REQUEST_CODE) {
                                cancelRequests.incrementAndGet();
                            }
                            opened.incrementAndGet();
                        }
                    }
                    awaitOpen();
                    if (mode == Mode.CUT) {
                        break;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the other side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "faulty-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (mode == Mode.STALLED) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
