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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What a webhook request must pass, in two turns. Before its body is read ({@link #beforeBody}, from
 * {@link RequestBodyFilter}): a known source for the provider (404), its IP allow-list (403), and
 * whatever of its credential is in the head (401): a token or Basic credential whole, a signature's header and timestamp. A refused request is
 * answered without its body being read, so an unknown, unauthenticated or refused client cannot hold a
 * request thread with a slow body. After the body is read and before it is parsed ({@link #check}):
 * a signature over the body (401), then the source's rate limit (429 with {@code Retry-After}).
 *
 * <p>The source's rate limit counts authenticated requests only, so forged requests cannot spend the
 * real provider's budget; failed authentications spend a budget of their own, per client address
 * ({@code tributary.ingest.auth-failure-rate-limit}): past it they are answered 429 and only counted.
 * The answers say which rule refused, never why exactly (no hint about the secret);
 * {@link RejectionLog} keeps the details.
 */
final class SourceGate {

    /** Published sender ranges, usable as {@code allowed-ip-presets}. */
    static final Map<String, List<String>> PRESETS = Map.of("dailydraft", List.of("34.102.136.0/24", "35.190.0.0/24"));

    /** Request attribute: the {@link Checks} a request passed before its body was read. */
    private static final String ADMITTED = "io.tributary.admittedSource";
    private static final String PATH_PREFIX = "/webhooks/";
    /** Client addresses whose failures are counted at once; past it the counts start afresh (bounded memory). */
    private static final int MAX_FAILING_CLIENTS = 10_000;

    /**
     * One source's checks, built once at start.
     *
     * @param open whether it takes anyone's request (auth none, no allow-list): nothing to check before the body
     */
    private record Checks(List<String> providers, InboundVerifier verifier, List<Cidr> allowed, Bucket bucket, boolean open) {
        Checks(List<String> providers, InboundVerifier verifier, List<Cidr> allowed, Bucket bucket) {
            this(providers, verifier, allowed, bucket,
                    allowed.isEmpty() && !verifier.needsBody() && verifier.beforeBody(HeadView.EMPTY, Instant.EPOCH));
        }
    }

    private final Map<String, Checks> checks = new HashMap<>();
    private final List<Cidr> trustedProxies;
    private final RejectionLog rejections;
    private final Predicate<String> knownProvider;
    private final int authFailureRateLimit;
    private final Map<String, Bucket> failures = new ConcurrentHashMap<>();

    /**
     * @param knownProvider        whether a provider has a mapping (and so a route)
     * @param authFailureRateLimit failed authentications per second (a burst of as many) answered 401 for
     *                             one client address; beyond, 429 and counted only; 0: no limit
     * @throws IllegalStateException at start when a source is misconfigured
     */
    SourceGate(Map<String, Source> sources, List<String> trustedProxies, RejectionLog rejections,
               Predicate<String> knownProvider, int authFailureRateLimit) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
        this.rejections = rejections;
        this.knownProvider = knownProvider;
        this.authFailureRateLimit = authFailureRateLimit;
        sources.forEach((id, source) -> {
            source.validate(id);
            List<Cidr> allowed = new ArrayList<>(source.allowedIps().stream().map(Cidr::parse).toList());
            for (String preset : source.allowedIpPresets()) {
                List<String> ranges = PRESETS.get(preset);
                if (ranges == null) {
                    throw new IllegalStateException("source '" + id + "': unknown allowed-ip-presets entry '" + preset + "'");
                }
                ranges.stream().map(Cidr::parse).forEach(allowed::add);
            }
            checks.put(id, new Checks(source.provider(), InboundVerifiers.of(id, source.auth()), List.copyOf(allowed),
                    bucket(source.rateLimit() == null ? 0 : source.rateLimit())));
        });
    }

    private static Bucket bucket(int perSecond) {
        return perSecond <= 0 ? null : Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build();
    }

    /**
     * The checks of a webhook request that need only its head, before anything reads its body.
     *
     * @return the problem that refuses it (recorded already), or {@code null} to read its body; always
     *         {@code null} for a path outside {@code /webhooks/}
     */
    ProblemException beforeBody(HttpServletRequest request, Instant now) {
        String path = request.getServletPath();
        if (request.getPathInfo() != null) {
            path += request.getPathInfo();
        }
        if (!path.startsWith(PATH_PREFIX)) {
            return null;
        }
        int slash = path.indexOf('/', PATH_PREFIX.length());
        int end = slash < 0 ? -1 : path.indexOf('/', slash + 1);
        String provider = slash < 0 ? path.substring(PATH_PREFIX.length()) : path.substring(PATH_PREFIX.length(), slash);
        String sourceId = slash < 0 ? "" : end < 0 ? path.substring(slash + 1) : path.substring(slash + 1, end);
        Checks c = checks.get(sourceId);
        if (c == null || !c.providers().contains(provider) || !knownProvider.test(provider)) {
            return notFound(sourceId, provider);
        }
        ProblemException refused = admit(c, sourceId, provider, request, now);
        if (refused == null) {
            request.setAttribute(ADMITTED, c);
        }
        return refused;
    }

    /**
     * Lets the request through or throws the problem that refuses it (and records the refusal): what
     * {@link #beforeBody} checked, unless it admitted the request to this very source, then the body's
     * signature and the source's rate limit.
     *
     * @param body the raw body, not parsed yet
     */
    void check(String sourceId, String provider, HttpServletRequest request, byte[] body, Instant now) {
        Checks c = checks.get(sourceId);
        if (c == null || !c.providers().contains(provider)) {
            throw notFound(sourceId, provider);
        }
        if (request.getAttribute(ADMITTED) != c) {
            ProblemException refused = admit(c, sourceId, provider, request, now);
            if (refused != null) {
                throw refused;
            }
        }
        if (c.verifier().needsBody() && !c.verifier().verify(new ServletView(request, body), now)) {
            throw unauthenticated(sourceId, provider, request, clientAddress(request));
        }
        if (c.bucket() != null) {
            ConsumptionProbe probe = c.bucket().tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                long retryAfter = Math.max(1, Duration.ofNanos(probe.getNanosToWaitForRefill()).toSeconds() + 1);
                throw refuse(sourceId, provider, request, clientAddress(request), 429, "rate_limited", new ProblemException(429,
                        "Too Many Requests", "This source sends more than its rate limit; retry after " + retryAfter + " s.")
                        .withRetryAfter(retryAfter));
            }
        }
    }

    /** The allow-list and the credential in the head; {@code null}: admitted. */
    private ProblemException admit(Checks c, String sourceId, String provider, HttpServletRequest request, Instant now) {
        if (c.open()) {
            return null; // open to anyone (auth none, no allow-list): nothing to look up
        }
        String client = clientAddress(request);
        if (!c.allowed().isEmpty() && !allowed(c.allowed(), client)) {
            return refuse(sourceId, provider, request, client, 403, "forbidden",
                    new ProblemException(403, "Forbidden", "Requests to this source are not accepted from this address."));
        }
        if (!c.verifier().beforeBody(new ServletView(request, HeadView.NO_BODY), now)) {
            return unauthenticated(sourceId, provider, request, client);
        }
        return null;
    }

    /**
     * A failed authentication, spending its client's failure budget: 401, or 429 once the client is
     * over it, then only counted, not kept in the rejection log (a flood of forgeries does not flush
     * the log). Never refuses a request that authenticates: the real provider behind the same address
     * (a proxy not declared trusted, a shared NAT) still gets through.
     */
    private ProblemException unauthenticated(String sourceId, String provider, HttpServletRequest request, String client) {
        if (authFailureRateLimit > 0) {
            if (failures.size() >= MAX_FAILING_CLIENTS) {
                failures.clear();
            }
            if (!failures.computeIfAbsent(client, k -> bucket(authFailureRateLimit)).tryConsume(1)) {
                rejections.count(sourceId, "auth_failures");
                return new ProblemException(429, "Too Many Requests",
                        "Too many requests with failed authentication from this address; retry later.").withRetryAfter(1);
            }
        }
        return refuse(sourceId, provider, request, client, 401, "unauthenticated",
                new ProblemException(401, "Unauthorized", "The request's credentials or signature are missing or not valid."));
    }

    private static ProblemException notFound(String sourceId, String provider) {
        return ProblemException.notFound("No source '" + sourceId + "' receives from provider '" + provider + "'.");
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

    /** What a verifier is given of a request whose body is not read yet. */
    private static final class HeadView implements InboundVerifier.Request {
        static final byte[] NO_BODY = new byte[0];
        /** A request with no headers and no parameters: a verifier that passes it needs no credential. */
        static final HeadView EMPTY = new HeadView();

        @Override
        public byte[] body() {
            return NO_BODY;
        }

        @Override
        public String header(String name) {
            return null;
        }

        @Override
        public String query(String name) {
            return null;
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
