package io.tributary.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.system.ArrivedBody;
import io.tributary.system.ProblemException;
import io.tributary.system.Problems;
import io.tributary.system.UnreadBody;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks a request body before anything reads it. A content type that is not JSON (forms, multipart,
 * XML) gets 415: a servlet container would otherwise parse a form body into parameters. No content
 * type, or {@code text/plain}, is let through and judged by the JSON parser, since some providers
 * send JSON under it.
 *
 * <p>Answers 413 to a body over {@code tributary.ingest.max-body-size} before anything reads it whole:
 * a declared {@code Content-Length} is checked at once, a chunked body is read only up to the limit.
 * The body is then kept, byte for byte, as the request attribute {@link #RAW_BODY}: signatures are
 * checked over exactly these bytes, and no later step can be made to buffer more or decode them
 * with a guessed charset.
 */
final class RequestBodyFilter extends OncePerRequestFilter {

    static final String RAW_BODY = "io.tributary.rawBody";
    /** A body read without a thread, waiting for the request's second dispatch. */
    private static final String LATE_BODY = "io.tributary.lateBody";

    private final long maxBytes;
    private final long readTimeoutNanos;
    private final ObjectMapper json;
    private final BeforeBody beforeBody;

    /** What a request must pass before its body is read ({@link SourceGate#beforeBody}). */
    @FunctionalInterface
    interface BeforeBody {
        /** @return the problem that refuses the request, or {@code null} to read its body */
        ProblemException check(HttpServletRequest request);
    }

    private static final String BODY_LATE = "The request body did not arrive in time.";

    /** Thrown when a body is still coming at its deadline. */
    private static final class ReadDeadline extends IOException {
        ReadDeadline() {
            super("the body did not arrive in time", null);
        }
    }

    /**
     * @param readTimeout the longest a body may take to arrive, from the first read to the last byte
     */
    RequestBodyFilter(long maxBytes, Duration readTimeout, ObjectMapper json, BeforeBody beforeBody) {
        this.maxBytes = maxBytes;
        this.readTimeoutNanos = readTimeout.toNanos();
        this.json = json;
        this.beforeBody = beforeBody;
    }

    /** The second dispatch of a request whose body was read without a thread goes on from here. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC) {
            if (request.getAttribute(LATE_BODY) instanceof byte[] body) {
                request.removeAttribute(LATE_BODY);
                withBody(request, response, chain, body);
            } else {
                chain.doFilter(request, response);
            }
            return;
        }
        String contentType = request.getContentType();
        if (contentType != null && !isJsonLike(contentType)) {
            unread(request, response, 415, "Unsupported Media Type", "The request body must be JSON (application/json).");
            return;
        }
        ProblemException refused = beforeBody.check(request);
        if (refused != null) {
            if (refused.retryAfterSeconds() != null) {
                response.setHeader("Retry-After", Long.toString(refused.retryAfterSeconds()));
            }
            unread(request, response, refused.status(), refused.title(), refused.getMessage());
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(request, response);
            return;
        }
        if (ArrivedBody.stillComing(request)) {
            readLater(request, response, declared);
            return;
        }
        byte[] body;
        try {
            body = read(request.getInputStream(), declared, maxBytes + 1, System.nanoTime() + readTimeoutNanos);
        } catch (IOException e) {
            if (!timedOut(e)) {
                throw e; // the client went away: nobody to answer
            }
            unread(request, response, 408, "Request Timeout", BODY_LATE);
            return;
        }
        if (body.length > maxBytes) {
            tooLarge(request, response);
            return;
        }
        withBody(request, response, chain, body);
    }

    /** The request goes on with its body kept ({@link #RAW_BODY}) and readable again by whoever asks. */
    private static void withBody(HttpServletRequest request, HttpServletResponse response, FilterChain chain, byte[] body)
            throws ServletException, IOException {
        request.setAttribute(RAW_BODY, body);
        chain.doFilter(new BufferedRequest(request, body), response);
    }

    /**
     * Reads a body that has not all arrived without holding a thread: Tomcat calls back as its bytes
     * come, and once all have, the request goes on in a second dispatch. A client that sends its head
     * and then nothing, or trickles its body, so costs a connection, not a request thread, and is
     * answered 408 at the body's deadline, or after Tomcat's read timeout of silence
     * ({@code server.tomcat.connection-timeout}) if that comes first.
     */
    private void readLater(HttpServletRequest request, HttpServletResponse response, long declared) throws IOException {
        AsyncContext async = request.startAsync(request, response);
        async.setTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(readTimeoutNanos)));
        LateBody late = new LateBody(request, response, async, declared);
        async.addListener(late);
        request.getInputStream().setReadListener(late);
    }

    /** A body arriving after its head, collected as Tomcat says bytes can be read; one answer, whatever comes first. */
    private final class LateBody implements ReadListener, AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AsyncContext async;
        private final java.io.ByteArrayOutputStream received;
        private final byte[] buffer = new byte[8192];
        private final AtomicBoolean answered = new AtomicBoolean();

        LateBody(HttpServletRequest request, HttpServletResponse response, AsyncContext async, long declared) {
            this.request = request;
            this.response = response;
            this.async = async;
            this.received = new java.io.ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        }

        @Override
        public void onDataAvailable() throws IOException {
            ServletInputStream in = request.getInputStream();
            while (!answered.get() && in.isReady()) {
                int n = in.read(buffer);
                if (n < 0) {
                    return; // onAllDataRead comes next
                }
                received.write(buffer, 0, n);
                if (received.size() > maxBytes && answered.compareAndSet(false, true)) {
                    answer(413, "Content Too Large", tooLargeDetail());
                }
            }
        }

        @Override
        public void onAllDataRead() {
            if (answered.compareAndSet(false, true)) {
                request.setAttribute(LATE_BODY, received.toByteArray());
                async.dispatch();
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (answered.compareAndSet(false, true)) {
                if (timedOut(failure)) { // Tomcat's read timeout, before the body's deadline: a slow client
                    answer(408, "Request Timeout", BODY_LATE);
                } else {
                    async.complete(); // the client went away: nobody to answer
                }
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            if (answered.compareAndSet(false, true)) {
                answer(408, "Request Timeout", BODY_LATE);
            }
        }

        /**
         * Answers, closes the connection after it, and ends the request. Not through {@link UnreadBody}:
         * the error state it gives Tomcat's processor, set from a listener, keeps Tomcat from counting the
         * request as done, and a graceful shutdown then waits its whole timeout for it. Nor needed here:
         * with a read listener set, Tomcat reads no more of the body than has come. The request ends
         * also when the client is gone before its answer is written.
         */
        private void answer(int status, String title, String detail) {
            try {
                answerAndClose(request, response, status, title, detail);
            } catch (IOException gone) {
                // nobody to answer
            } finally {
                async.complete();
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
            onError(event.getThrowable());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    /** The body exactly as received, as {@code byte[]}: what signatures are computed over. */
    static byte[] rawBody(HttpServletRequest request) {
        return request.getAttribute(RAW_BODY) instanceof byte[] body ? body : new byte[0];
    }

    /**
     * The body, read into an array of its declared length when it has one (no 8 KB read buffers to
     * throw away per request), else at most {@code limit} bytes. A body longer than it declared
     * comes back longer, so the size check still sees it.
     *
     * <p>Used on a body that came with its head (its bytes are in Tomcat's buffer: no read waits), or
     * where the server does not say how much came. There each read returns as soon as some bytes
     * came (or after Tomcat's read timeout, {@code server.tomcat.connection-timeout}, of silence); a
     * body still incomplete at {@code deadline} ({@link System#nanoTime()}) is given up
     * ({@link ReadDeadline}). A body that came in one piece costs one clock read.
     */
    private static byte[] read(InputStream in, long declared, long limit, long deadline) throws IOException {
        if (declared >= 0 && declared < limit) {
            byte[] body = new byte[(int) declared];
            int n = readFully(in, body, 0, body.length, deadline);
            int more = n < body.length ? -1 : in.read();
            if (n == body.length && more < 0) {
                return body;
            }
            byte[] rest = more < 0 ? new byte[0] : readAtMost(in, (int) Math.min(limit - n - 1, Integer.MAX_VALUE - 8), deadline);
            byte[] all = new byte[n + (more < 0 ? 0 : 1) + rest.length];
            System.arraycopy(body, 0, all, 0, n);
            if (more >= 0) {
                all[n] = (byte) more;
                System.arraycopy(rest, 0, all, n + 1, rest.length);
            }
            return all;
        }
        return readAtMost(in, (int) Math.min(limit, Integer.MAX_VALUE - 8), deadline);
    }

    /** The body deadline, or Tomcat's read timeout (which it wraps). */
    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ReadDeadline || t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Reads until {@code length} bytes or the end; how many it read. */
    private static int readFully(InputStream in, byte[] into, int offset, int length, long deadline) throws IOException {
        int n = 0;
        while (n < length) {
            int r = in.read(into, offset + n, length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n < length && System.nanoTime() - deadline > 0) {
                throw new ReadDeadline();
            }
        }
        return n;
    }

    private static byte[] readAtMost(InputStream in, int limit, long deadline) throws IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[Math.min(limit, 8192)];
        while (all.size() < limit) {
            int r = in.read(buffer, 0, Math.min(buffer.length, limit - all.size()));
            if (r < 0) {
                break;
            }
            all.write(buffer, 0, r);
            if (System.nanoTime() - deadline > 0) {
                throw new ReadDeadline();
            }
        }
        return all.toByteArray();
    }

    static boolean isJsonLike(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.isEmpty() || type.equals("application/json") || type.equals("text/json")
                || type.equals("text/plain") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        unread(request, response, 413, "Content Too Large", tooLargeDetail());
    }

    private String tooLargeDetail() {
        return "The request body exceeds " + maxBytes + " bytes.";
    }

    /**
     * Answers a request whose body is not (all) read, and sends the answer at once: the connection is
     * closed after it, and the client has its answer whether or not it ever sends its body.
     */
    private void unread(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        UnreadBody.mark(request);
        answerAndClose(request, response, status, title, detail);
    }

    /** Answers at once, and has the connection closed after the answer. */
    private void answerAndClose(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        response.setHeader("Connection", "close");
        refuse(request, response, status, title, detail);
        response.flushBuffer();
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        Problems.write(json, request, response, status, title, detail);
    }

    /**
     * The kept body as the reader Camel's binding asks every webhook request for. It is its own stream
     * cache, so Camel keeps it as the message body as it is (a plain reader, Camel read whole into a
     * String at once, 14 KB per request; with {@code useStreaming} it copied the bytes into a cache of
     * its own, 11 KB; JFR), and it decodes nothing unless something reads it: the webhook steps take
     * {@link #RAW_BODY}.
     */
    static final class BodyReader extends BufferedReader implements StreamCache {
        private final byte[] body;

        BodyReader(byte[] body) {
            super(new DecodeOnRead(body), 64);
            this.body = body;
            try {
                mark(Math.max(1, body.length)); // UTF-8: never more chars than bytes, so reset always works
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Back to the first character, for a second reader of the same body. */
        @Override
        public void reset() {
            try {
                super.reset();
            } catch (IOException closed) {
                // closed: nobody reads it any more
            }
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            out.write(body);
        }

        @Override
        public StreamCache copy(Exchange exchange) {
            return new BodyReader(body);
        }

        @Override
        public boolean inMemory() {
            return true;
        }

        @Override
        public long length() {
            return body.length;
        }

        @Override
        public long position() {
            return -1;
        }
    }

    /** A reader over UTF-8 bytes that decodes them on its first read. */
    private static final class DecodeOnRead extends Reader {
        private final byte[] body;
        private Reader text;

        DecodeOnRead(byte[] body) {
            this.body = body;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            if (text == null) {
                text = new StringReader(new String(body, StandardCharsets.UTF_8));
            }
            return text.read(buffer, offset, length);
        }

        @Override
        public void close() {
            text = null;
        }
    }

    /** A request whose body has already been read into memory. */
    private static final class BufferedRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        /** The body as text, decoded only if something reads it ({@link BodyReader}). */
        @Override
        public BufferedReader getReader() {
            return new BodyReader(body);
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }
}
