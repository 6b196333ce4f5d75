package io.tributary.ingest;

import java.time.Instant;

/**
 * Decides whether a request really comes from the source's provider, on the raw bytes of the body,
 * before anything parses them. Every comparison of secret material is constant-time.
 */
interface InboundVerifier {

    /** What a verifier may look at: the raw body, headers by name (any case), query parameters. */
    interface Request {
        byte[] body();

        String header(String name);

        String query(String name);
    }

    boolean verify(Request request, Instant now);

    /**
     * Whether {@link #verify} needs the body: {@code false} for credentials carried whole in the
     * request's head (a token, Basic), which are checked before the body is read.
     */
    default boolean needsBody() {
        return true;
    }

    /**
     * Checked before the body is read, on the head alone ({@link Request#body()} is empty): the whole
     * verification where {@link #needsBody()} is {@code false}, else whether the request can be
     * authentic at all (its signature header is there, its timestamp fresh). {@code false} refuses it
     * without reading its body.
     */
    default boolean beforeBody(Request head, Instant now) {
        return true;
    }
}
