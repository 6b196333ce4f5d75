package io.tributary.ingest;

import java.time.Instant;

/**
 * A refused webhook request: when, which source and provider, the status answered and why, the
 * client's address, the path and user agent (cut to 256 characters) and the length it declared.
 * Never the body or a header that could carry a credential.
 */
public record Rejection(Instant at, String source, String provider, int status, String reason, String client, String path,
                        String userAgent, long contentLength) {
}
