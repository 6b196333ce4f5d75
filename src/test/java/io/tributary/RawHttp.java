package io.tributary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP/1.1 on a plain socket, for what a well-behaved client cannot send: repeated header lines, a
 * body that never comes, a body a byte at a time. Not thread-safe; one connection each.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RawHttp(int port, Duration readTimeout) {
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout((int) readTimeout.toMillis());
            out = socket.getOutputStream();
            in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends the request line and headers (CRLF-separated lines, no trailing blank line needed). */
    public RawHttp head(String... lines) {
        return send(String.join("\r\n", lines) + "\r\n\r\n");
    }

    public RawHttp send(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends, and says whether the server still took it (false once it closed the connection). */
    public boolean trySend(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException closed) {
            return false;
        }
    }

    /**
     * The response as text: read until the server closes, or the whole body per its
     * {@code Content-Length} has come. Throws on the read timeout.
     */
    public String response() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
                if (complete(all.toString(StandardCharsets.ISO_8859_1))) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new IllegalStateException("no complete response in time; so far: " + all.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset by the server: what came so far is the answer
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    /** Bytes the server sent that are not read yet. */
    public int available() {
        try {
            return in.available();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The status code of {@link #response()}. */
    public static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Whether the server closed the connection (end of stream, or reset) within the read timeout. */
    public boolean closedByServer() {
        try {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // drain whatever it answered before it closed
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        String head = text.substring(0, end).toLowerCase(java.util.Locale.ROOT);
        int at = head.indexOf("\ncontent-length:");
        if (at < 0) {
            return false;
        }
        int eol = head.indexOf('\r', at + 1);
        long length = Long.parseLong(head.substring(at + "\ncontent-length:".length(), eol < 0 ? head.length() : eol).trim());
        return text.length() - end - 4 >= length;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
