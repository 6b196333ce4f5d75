package io.tributary.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.ingest.SourceProperties.Source;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Normalized;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.store.QuarantineEntry;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoreUnavailable;
import io.tributary.store.StoredEvent;
import io.tributary.system.LogKeys;
import io.tributary.system.ProblemException;
import io.tributary.system.Problems;
import io.tributary.system.Tracing;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the webhook routes ({@code routes/provider-webhook.camel.yaml}): receive, accept,
 * answer a duplicate, reject. The route decides the order and deduplicates through its idempotent
 * repository; this bean does the work of each step.
 */
public final class WebhookIngestor {

    private static final Logger log = LoggerFactory.getLogger(WebhookIngestor.class);

    /** Exchange variable holding the {@link Normalization} of the request. */
    static final String NORMALIZATION = "tributaryNormalization";
    /** Exchange variable holding the {@link ReceivedPayload}. */
    static final String RECEIVED = "tributaryReceived";
    /** Exchange variable holding the canonical event of a request that normalized, for planning its deliveries. */
    static final String CANONICAL_EVENT = "tributaryCanonicalEvent";
    /** Exchange variable holding the source's configured tenant. */
    static final String SOURCE_TENANT = "tributarySourceTenant";
    /** Exchange variable holding the {@link EventKeys key} the request's event is stored under. */
    static final String KEY = "tributaryEventKey";
    /** What a 503 asks the provider to wait before it retries. */
    private static final long RETRY_AFTER_SECONDS = 5;
    /**
     * Header the idempotent consumer reads: the key the request is deduplicated by, its event's
     * {@link EventKeys key}, so the same id sent to another source is another event.
     */
    public static final String EVENT_ID = "TributaryEventId";

    /** Headers that carry credentials: kept out of the store, whatever the source's auth scheme. */
    private static final Set<String> REDACTED = Set.of("authorization", "proxy-authorization", "cookie",
            "x-api-key", "x-auth-token", "x-token", "x-webhook-token");

    private final Map<String, Source> sources;
    private final SourceGate gate;
    private final EventNormalizer normalizer;
    private final PayloadParser parser;
    private final EventStore store;
    private final IngestMetrics metrics;
    private final ObjectMapper json;
    private final Tracing tracing;
    private final Clock clock;

    WebhookIngestor(SourceProperties sources, SourceGate gate, EventNormalizer normalizer, PayloadParser parser,
                    EventStore store, IngestMetrics metrics, ObjectMapper json, Tracing tracing, Clock clock) {
        this.sources = sources.sources();
        this.gate = gate;
        this.normalizer = normalizer;
        this.parser = parser;
        this.store = store;
        this.metrics = metrics;
        this.json = json;
        this.tracing = tracing;
        this.clock = clock;
    }

    /**
     * Checks the source, parses the body and normalizes it. Leaves the normalization in a variable and
     * its id in {@link #EVENT_ID} for the idempotent consumer.
     */
    public void receive(Exchange exchange) {
        String provider = exchange.getVariable("provider", String.class);
        String eventKey = exchange.getVariable("eventKey", String.class);
        Message in = exchange.getMessage();
        String sourceId = in.getHeader("sourceId", String.class);
        Source source = sources.get(sourceId);
        if (source == null || !source.receives(provider) || !normalizer.knows(provider)) {
            throw ProblemException.notFound("No source '" + sourceId + "' receives from provider '" + provider + "'.");
        }
        String key = eventKey == null || eventKey.isBlank() ? null : eventKey;
        HttpServletRequest request = requestOf(in);
        byte[] body = RequestBodyFilter.rawBody(request);
        Instant now = clock.instant();
        gate.check(sourceId, provider, request, body, now); // before anything parses the body
        ObjectNode payload;
        try {
            payload = parser.parseObject(body);
        } catch (ProblemException e) {
            gate.rejected(sourceId, provider, request, e.status(), "bad_request");
            throw e;
        }
        ReceivedPayload received = new ReceivedPayload(provider, sourceId, key, now,
                headersOf(request, source.auth()), new String(body, StandardCharsets.UTF_8));
        EventContext context = new EventContext(provider, sourceId, source.tenant(), key, payload, received.receivedAt());
        Normalization result = bound(source, tracing.inSpan("tributary.mapping", () -> normalizer.normalize(context)));
        exchange.setVariable(NORMALIZATION, result);
        if (result instanceof Normalized n) {
            exchange.setVariable(CANONICAL_EVENT, n.event());
        }
        String stored = EventKeys.of(provider, sourceId, result.id());
        exchange.setVariable(RECEIVED, received);
        exchange.setVariable(SOURCE_TENANT, source.tenant());
        exchange.setVariable(KEY, stored);
        in.setHeader(EVENT_ID, stored);
    }

    /**
     * What the source allows of a normalized payload: its configured tenant where it takes the tenant
     * from configuration only. (An id unfit to be sent on, with a control character or over 256
     * characters, is refused by the canonical schema: quarantined as {@code invalid}.)
     */
    static Normalization bound(Source source, Normalization result) {
        if (!(result instanceof Normalized n)) {
            return result;
        }
        if (source.tenantFromConfig() && !source.tenant().equals(n.event().path("tenant").asText(null))) {
            n.event().put("tenant", source.tenant());
        }
        return n;
    }

    /**
     * Answers with the event's canonical {@code id} (the provider's) and the {@code key} it is stored
     * and looked up under ({@code /api/v1/events/{key}}).
     *
     * <p>Stores a new event, in one transaction with what was planned for it ({@link EventStore#WITH_EVENT}),
     * or a quarantine entry, and answers 202; answers a duplicate if the event is stored already (and so
     * are its deliveries, committed with it). A database that does not commit in time answers 503.
     */
    public void accept(Exchange exchange) {
        Normalization result = exchange.getVariable(NORMALIZATION, Normalization.class);
        ReceivedPayload received = exchange.getVariable(RECEIVED, ReceivedPayload.class);
        String key = exchange.getVariable(KEY, String.class);
        ObjectNode answer = json.createObjectNode().put("id", result.id()).put("key", key);
        if (result instanceof Normalized n) {
            Companions with = exchange.getVariable(EventStore.WITH_EVENT, Companions.class);
            StoredEvent stored = new StoredEvent(key, n.event(), received);
            if (!tracing.inSpan("tributary.store", () -> store.saveNew(stored, with == null ? Companions.NONE : with))) {
                duplicate(exchange);
                return;
            }
            answer.put("status", "accepted");
            metrics.count(received.provider(), "accepted");
        } else {
            Quarantined q = (Quarantined) result;
            store.save(new QuarantineEntry(key, q.reason().code(), q.providerEvent(), q.detail(),
                    exchange.getVariable(SOURCE_TENANT, String.class), received));
            answer.put("status", "quarantined").put("reason", q.reason().code());
            metrics.count(received.provider(), "quarantined");
            LogKeys.about(log.atInfo(), key, LogKeys.source(received.provider(), received.sourceId()), null)
                    .log("quarantined {} from {}/{}: {}", key, received.provider(), received.sourceId(), q.reason().code());
        }
        respond(exchange, 202, "application/json", answer);
    }

    /** Answers a provider's retry of a delivery already taken: 200, nothing stored again. */
    public void duplicate(Exchange exchange) {
        Normalization result = exchange.getVariable(NORMALIZATION, Normalization.class);
        ReceivedPayload received = exchange.getVariable(RECEIVED, ReceivedPayload.class);
        metrics.count(received.provider(), "duplicate");
        respond(exchange, 200, "application/json", json.createObjectNode().put("id", result.id())
                .put("key", exchange.getVariable(KEY, String.class)).put("status", "duplicate"));
    }

    /** The route's error handler: a problem document, never a stack trace. */
    public void reject(Exchange exchange) {
        String provider = exchange.getVariable("provider", String.class);
        ReceivedPayload received = exchange.getVariable(RECEIVED, ReceivedPayload.class);
        String key = exchange.getVariable(KEY, String.class);
        String source = received == null ? null : LogKeys.source(received.provider(), received.sourceId());
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        ObjectNode problem;
        Long retryAfter = null;
        if (e instanceof ProblemException p) {
            problem = Problems.of(p, path);
            retryAfter = p.retryAfterSeconds();
            metrics.count(provider, "rejected");
        } else if (e instanceof StoreUnavailable unavailable) {
            // Nothing acknowledged: the provider retries. Whatever commits later is found by recovery.
            LogKeys.about(log.atWarn(), key, source, null).log("webhook for {} not stored: {}", provider, unavailable.getMessage());
            problem = Problems.of(503, "Service Unavailable", "The event could not be stored now; retry later.", path);
            retryAfter = RETRY_AFTER_SECONDS;
            metrics.count(provider, "unavailable");
        } else {
            LogKeys.about(log.atError(), key, source, null).setCause(e).log("webhook for {} failed", provider);
            problem = Problems.of(500, "Internal Server Error", "The event was not accepted; retry later.", path);
            metrics.count(provider, "failed");
        }
        respond(exchange, problem.get("status").asInt(), Problems.MEDIA_TYPE, problem);
        if (retryAfter != null) {
            exchange.getMessage().setHeader("Retry-After", retryAfter);
        }
    }

    private void respond(Exchange exchange, int status, String contentType, ObjectNode body) {
        Message out = exchange.getMessage();
        out.removeHeaders("*"); // never echo request headers (credentials among them) back
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, contentType);
        try {
            out.setBody(json.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The HTTP request the message came from. A message that is not one (a route step that replaced
     * it, another Camel component) is refused rather than let past the source gate unchecked.
     */
    private static HttpServletRequest requestOf(Message in) {
        if (in instanceof PlatformHttpMessage http && http.getRequest() != null) {
            return http.getRequest();
        }
        throw new IllegalStateException("a webhook must reach the ingestor as the HTTP request it came in: "
                + "without it the source gate cannot check the sender");
    }

    private static Map<String, String> headersOf(HttpServletRequest request, SourceProperties.Auth auth) {
        String authHeader = auth == null || auth.header() == null ? null : auth.header().toLowerCase(java.util.Locale.ROOT);
        Map<String, String> headers = new TreeMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            boolean secret = REDACTED.contains(lower) || lower.equals(authHeader);
            headers.put(lower, secret ? "[redacted]" : String.join(", ", Collections.list(request.getHeaders(name))));
        }
        return headers;
    }
}
