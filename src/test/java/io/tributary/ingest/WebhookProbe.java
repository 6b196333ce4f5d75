package io.tributary.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Posts the README's Mailstand sample, each time with a new {@code id}, and keeps whatever came back:
 * an answer with its {@code Retry-After} and content type, or the connection failure. One connection
 * per request ({@code Connection: close}) and a fixed-length body, so a failure is this request's and
 * is never hidden by a silent retry or a reused connection.
 */
final class WebhookProbe {

    /**
     * What one post got: an HTTP answer ({@code status > 0}), or a connection refused, or another
     * failure; with when it began and when its connection was open ({@link System#nanoTime()}; 0 if never).
     */
    record Outcome(int status, String retryAfter, String contentType, String body, String failure, boolean refused,
                   long startedAt, long connectedAt) {
        static Outcome failed(IOException e, long startedAt, long connectedAt) {
            return new Outcome(-1, null, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(), e instanceof ConnectException,
                    startedAt, connectedAt);
        }

        boolean answered() {
            return status > 0;
        }

        @Override
        public String toString() {
            return answered() ? status + " " + contentType + " Retry-After=" + retryAfter + " " + body : failure;
        }
    }

    private final URI uri;
    private final String sample;

    WebhookProbe(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/webhooks/mailstand/demo");
        try (InputStream in = WebhookProbe.class.getResourceAsStream("/samples/mailstand/click.json")) {
            this.sample = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!sample.contains("\"evt_cl1ckn0d209dj2pk2d2\"")) {
            throw new IllegalStateException("the Mailstand sample's id changed");
        }
    }

    /** Posts the sample with a fresh id. */
    Outcome post() {
        byte[] body = sample.replace("\"evt_cl1ckn0d209dj2pk2d2\"", "\"evt_" + UUID.randomUUID() + "\"").getBytes(StandardCharsets.UTF_8);
        HttpURLConnection http = null;
        long startedAt = System.nanoTime();
        long connectedAt = 0;
        try {
            http = (HttpURLConnection) uri.toURL().openConnection();
            http.setRequestMethod("POST");
            http.setConnectTimeout(5_000);
            http.setReadTimeout(30_000);
            http.setDoOutput(true);
            http.setFixedLengthStreamingMode(body.length); // streamed: never re-sent on a failure
            http.setRequestProperty("Content-Type", "application/json");
            http.setRequestProperty("Connection", "close");
            http.connect();
            connectedAt = System.nanoTime();
            try (OutputStream out = http.getOutputStream()) {
                out.write(body);
            }
            int status = http.getResponseCode();
            InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Outcome(status, http.getHeaderField("Retry-After"), http.getContentType(), text, null, false,
                    startedAt, connectedAt);
        } catch (IOException e) {
            return Outcome.failed(e, startedAt, connectedAt);
        } finally {
            if (http != null) {
                http.disconnect();
            }
        }
    }
}
