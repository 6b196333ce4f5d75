package io.tributary.ingest;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.tributary.ingest.SourceProperties.Source;
import io.tributary.system.Cidr;
import io.tributary.system.ProblemException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a request must pass before its body is parsed: the source's IP allow-list (403), its rate
 * limit (429 with {@code Retry-After}), its authentication (401). The answers say which rule refused,
 * never why exactly (no hint about the secret); {@link RejectionLog} keeps the details.
 */
final class SourceGate {

    /** Published sender ranges, usable as {@code allowed-ip-presets}. */
    static final Map<String, List<String>> PRESETS = Map.of("dailydraft", List.of("34.102.136.0/24", "35.190.0.0/24"));

    /** One source's checks, built once at start. */
    private record Checks(InboundVerifier verifier, List<Cidr> allowed, Bucket bucket) {
    }

    private final Map<String, Checks> checks = new HashMap<>();
    private final List<Cidr> trustedProxies;
    private final RejectionLog rejections;

    /** @throws IllegalStateException at start when a source is misconfigured */
    SourceGate(Map<String, Source> sources, List<String> trustedProxies, RejectionLog rejections) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
        this.rejections = rejections;
        sources.forEach((id, source) -> {
            List<Cidr> allowed = new ArrayList<>(source.allowedIps().stream().map(Cidr::parse).toList());
            for (String preset : source.allowedIpPresets()) {
                List<String> ranges = PRESETS.get(preset);
                if (ranges == null) {
                    throw new IllegalStateException("source '" + id + "': unknown allowed-ip-presets entry '" + preset + "'");
                }
                ranges.stream().map(Cidr::parse).forEach(allowed::add);
            }
            Bucket bucket = source.rateLimit() == null || source.rateLimit() <= 0 ? null : Bucket.builder()
                    .addLimit(Bandwidth.builder().capacity(source.rateLimit()).refillGreedy(source.rateLimit(), Duration.ofSeconds(1)).build())
                    .build();
            checks.put(id, new Checks(InboundVerifiers.of(id, source.auth()), List.copyOf(allowed), bucket));
        });
    }

    /**
     * Lets the request through or throws the problem that refuses it (and records the refusal).
     *
     * @param body the raw body, not parsed yet
     */
    void check(String sourceId, String provider, HttpServletRequest request, byte[] body, Instant now) {
        Checks c = checks.get(sourceId);
        String client = clientAddress(request);
        if (!c.allowed().isEmpty() && !allowed(c.allowed(), client)) {
            throw refuse(sourceId, provider, request, client, 403, "forbidden",
                    new ProblemException(403, "Forbidden", "Requests to this source are not accepted from this address."));
        }
        if (c.bucket() != null) {
            ConsumptionProbe probe = c.bucket().tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                long retryAfter = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
                throw refuse(sourceId, provider, request, client, 429, "rate_limited", new ProblemException(429,
                        "Too Many Requests", "This source sends more than its rate limit; retry after " + retryAfter + " s.")
                        .withRetryAfter(retryAfter));
            }
        }
        if (!c.verifier().verify(new ServletView(request, body), now)) {
            throw refuse(sourceId, provider, request, client, 401, "unauthenticated",
                    new ProblemException(401, "Unauthorized", "The request's credentials or signature are missing or not valid."));
        }
    }

    void rejected(String sourceId, String provider, HttpServletRequest request, int status, String reason) {
        rejections.record(sourceId, provider, request, clientAddress(request), status, reason);
    }

    private ProblemException refuse(String sourceId, String provider, HttpServletRequest request, String client,
                                    int status, String reason, ProblemException problem) {
        rejections.record(sourceId, provider, request, client, status, reason);
        return problem;
    }

    /**
     * The client: the peer, or where the peer is a trusted proxy, the right-most address in
     * {@code X-Forwarded-For} that is not one; a header from anyone else is ignored. Several
     * {@code X-Forwarded-For} lines are one list in order (RFC 9110 5.3): a proxy that adds its own line
     * leaves the client's line first, and reading that line alone let the client choose its address.
     */
    String clientAddress(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        if (trustedProxies.isEmpty() || !trusted(peer)) {
            return peer;
        }
        java.util.Enumeration<String> lines = request.getHeaders("X-Forwarded-For");
        if (lines == null || !lines.hasMoreElements()) {
            return peer;
        }
        String forwarded = lines.nextElement();
        if (lines.hasMoreElements()) {
            StringBuilder all = new StringBuilder(forwarded);
            while (lines.hasMoreElements()) {
                all.append(',').append(lines.nextElement());
            }
            forwarded = all.toString();
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!trusted(hop)) {
                return hop;
            }
        }
        return peer;
    }

    private boolean trusted(String address) {
        return parse(address).map(a -> Cidr.anyContains(trustedProxies, a)).orElse(false);
    }

    private static boolean allowed(List<Cidr> allowed, String address) {
        return parse(address).map(a -> Cidr.anyContains(allowed, a)).orElse(false);
    }

    private static Optional<InetAddress> parse(String literal) {
        try {
            return Optional.of(InetAddress.getByAddress(Cidr.literal(literal)));
        } catch (IllegalArgumentException | UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** The request as a verifier sees it. */
    private record ServletView(HttpServletRequest request, byte[] body) implements InboundVerifier.Request {
        @Override
        public String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public String query(String name) {
            return request.getParameter(name);
        }
    }
}
