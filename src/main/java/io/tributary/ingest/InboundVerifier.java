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
}
