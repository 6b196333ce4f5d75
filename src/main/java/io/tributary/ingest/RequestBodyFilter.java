package io.tributary.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.system.Problems;
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
import java.nio.charset.StandardCharsets;
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

    private final long maxBytes;
    private final ObjectMapper json;

    RequestBodyFilter(long maxBytes, ObjectMapper json) {
        this.maxBytes = maxBytes;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && !isJsonLike(contentType)) {
            refuse(request, response, 415, "Unsupported Media Type", "The request body must be JSON (application/json).");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            tooLarge(request, response);
            return;
        }
        byte[] body = read(request.getInputStream(), declared, maxBytes + 1);
        if (body.length > maxBytes) {
            tooLarge(request, response);
            return;
        }
        request.setAttribute(RAW_BODY, body);
        chain.doFilter(new BufferedRequest(request, body), response);
    }

    /** The body exactly as received, as {@code byte[]}: what signatures are computed over. */
    static byte[] rawBody(HttpServletRequest request) {
        return request.getAttribute(RAW_BODY) instanceof byte[] body ? body : new byte[0];
    }

    /**
     * The body, read into an array of its declared length when it has one (no 8 KB read buffers to
     * throw away per request), else at most {@code limit} bytes. A body longer than it declared
     * comes back longer, so the size check still sees it.
     */
    private static byte[] read(InputStream in, long declared, long limit) throws IOException {
        if (declared >= 0 && declared < limit) {
            byte[] body = new byte[(int) declared];
            int n = in.readNBytes(body, 0, body.length);
            int more = in.read();
            if (n == body.length && more < 0) {
                return body;
            }
            byte[] rest = more < 0 ? new byte[0] : in.readNBytes((int) Math.min(limit - n - 1, Integer.MAX_VALUE - 8));
            byte[] all = new byte[n + (more < 0 ? 0 : 1) + rest.length];
            System.arraycopy(body, 0, all, 0, n);
            if (more >= 0) {
                all[n] = (byte) more;
                System.arraycopy(rest, 0, all, n + 1, rest.length);
            }
            return all;
        }
        return in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE - 8));
    }

    static boolean isJsonLike(String contentType) {
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.isEmpty() || type.equals("application/json") || type.equals("text/json")
                || type.equals("text/plain") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close"); // do not read the rest of an oversized body
        refuse(request, response, 413, "Content Too Large", "The request body exceeds " + maxBytes + " bytes.");
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
