package io.tributary.ingest;

import io.tributary.system.PayloadParser;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.spi.IdempotentRepository;
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
    /** Exchange variable holding the {@link Batch} of a request that carries several events, else unset. */
    static final String BATCH = "tributaryBatch";
    /**
     * Exchange variable holding a batch's new events to plan deliveries for: stored key to canonical
     * event, in order, without those the dedup window has seen or the batch had already.
     */
    static final String BATCH_EVENTS = "tributaryBatchEvents";
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
    private final IdempotentRepository dedup;
    private final int maxBatch;

    /**
     * @param dedup    the window a batch's events are checked against and put in once stored (a single
     *                 event goes through the route's idempotent consumer, on the same repository)
     * @param maxBatch most payloads a request may carry as a JSON array
     */
    WebhookIngestor(SourceProperties sources, SourceGate gate, EventNormalizer normalizer, PayloadParser parser,
                    EventStore store, IngestMetrics metrics, ObjectMapper json, Tracing tracing, Clock clock,
                    IdempotentRepository dedup, int maxBatch) {
        this.dedup = dedup;
        this.maxBatch = maxBatch;
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
        PayloadParser.Payloads payloads;
        try {
            payloads = parser.parsePayloads(body, maxBatch);
        } catch (ProblemException e) {
            gate.rejected(sourceId, provider, request, e.status(), "bad_request");
            throw e;
        }
        Map<String, String> headers = headersOf(request, source.auth());
        if (!payloads.batch()) {
            ReceivedPayload received = new ReceivedPayload(provider, sourceId, key, now, headers, new String(body, StandardCharsets.UTF_8));
            List<Normalization> results = normalize(source, received, payloads.items().get(0));
            if (results.size() == 1) {
                receiveOne(exchange, results.get(0), received, source);
                return;
            }
            receiveBatch(exchange, source, results.stream().map(r -> item(r, received)).toList());
            return;
        }
        List<Batch.Item> items = new ArrayList<>();
        for (ObjectNode payload : payloads.items()) {
            // each payload is kept as its own raw body: what it is shown, replayed and normalized again as
            ReceivedPayload received = new ReceivedPayload(provider, sourceId, key, now, headers, payload.toString());
            normalize(source, received, payload).forEach(r -> items.add(item(r, received)));
        }
        receiveBatch(exchange, source, items);
    }

    private List<Normalization> normalize(Source source, ReceivedPayload received, ObjectNode payload) {
        EventContext context = new EventContext(received.provider(), received.sourceId(), source.tenant(), received.eventKey(),
                payload, received.receivedAt());
        List<Normalization> results = tracing.inSpan("tributary.mapping", () -> normalizer.normalizeAll(context));
        normalizer.shadow(context, results);
        return results.stream().map(result -> bound(source, result)).toList();
    }

    private static Batch.Item item(Normalization result, ReceivedPayload received) {
        return new Batch.Item(EventKeys.of(received.provider(), received.sourceId(), result.id()), result, received);
    }

    /**
     * A request's events, several (a JSON array, or a payload the mapping makes several events of):
     * each with the key it is stored under, what it normalized to, and the payload it came from.
     */
    record Batch(String sourceTenant, List<Item> items) {
        record Item(String key, Normalization result, ReceivedPayload received) {
        }
    }

    /** Leaves the batch, and its events to plan deliveries for, in variables for the route's batch branch. */
    private void receiveBatch(Exchange exchange, Source source, List<Batch.Item> items) {
        Batch.Item first = items.isEmpty() ? null : items.get(0);
        Map<String, ObjectNode> fresh = new LinkedHashMap<>();
        for (Batch.Item item : items) {
            if (item.result() instanceof Normalized n && !fresh.containsKey(item.key()) && !dedup.contains(item.key())) {
                fresh.put(item.key(), n.event());
            }
        }
        exchange.setVariable(BATCH, new Batch(source.tenant(), items));
        exchange.setVariable(BATCH_EVENTS, fresh);
        if (first != null) {
            exchange.setVariable(RECEIVED, first.received());
        }
    }

    private void receiveOne(Exchange exchange, Normalization result, ReceivedPayload received, Source source) {
        Message in = exchange.getMessage();
        String sourceId = received.sourceId();
        String provider = received.provider();
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
    public static Normalization bound(Source source, Normalization result) {
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
            logQuarantined(key, received, q);
        }
        respond(exchange, 202, "application/json", answer);
    }

    /**
     * Stores a batch in one transaction: its new events with their deliveries ({@link EventStore#WITH_EVENTS},
     * planned by the step before), its quarantine entries; then answers 202 with each event's outcome, in
     * order: {@code accepted}, {@code duplicate} (the dedup window or the store had it, or the batch
     * already did) or {@code quarantined}. A database that does not commit in time answers 503, for all.
     */
    public void acceptBatch(Exchange exchange) {
        Batch batch = exchange.getVariable(BATCH, Batch.class);
        @SuppressWarnings("unchecked")
        Map<String, ObjectNode> fresh = exchange.getVariable(BATCH_EVENTS, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Companions> planned = exchange.getVariable(EventStore.WITH_EVENTS, Map.class);
        List<EventStore.Write> writes = new ArrayList<>();
        int[] written = new int[batch.items().size()]; // the item's write, or -1 for a duplicate not written
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < batch.items().size(); i++) {
            Batch.Item item = batch.items().get(i);
            written[i] = -1;
            if (!taken.add(item.key())) {
                continue;
            }
            if (item.result() instanceof Normalized n) {
                if (fresh.containsKey(item.key())) {
                    Companions with = planned == null ? null : planned.get(item.key());
                    written[i] = writes.size();
                    writes.add(new EventStore.NewEvent(new StoredEvent(item.key(), n.event(), item.received()),
                            with == null ? Companions.NONE : with));
                }
            } else {
                Quarantined q = (Quarantined) item.result();
                written[i] = writes.size();
                writes.add(new EventStore.Quarantine(new QuarantineEntry(item.key(), q.reason().code(), q.providerEvent(), q.detail(),
                        batch.sourceTenant(), item.received())));
            }
        }
        boolean[] stored = writes.isEmpty() ? new boolean[0] : tracing.inSpan("tributary.store", () -> store.saveAll(writes));
        ObjectNode answer = json.createObjectNode().put("status", "accepted");
        var events = answer.putArray("events");
        for (int i = 0; i < batch.items().size(); i++) {
            Batch.Item item = batch.items().get(i);
            ObjectNode one = events.addObject().put("id", item.result().id()).put("key", item.key());
            String status;
            if (item.result() instanceof Quarantined q && written[i] >= 0) {
                status = "quarantined";
                one.put("reason", q.reason().code());
                logQuarantined(item.key(), item.received(), q);
            } else if (written[i] >= 0 && stored[written[i]]) {
                status = "accepted";
                dedup.add(exchange, item.key());
            } else {
                status = "duplicate";
            }
            one.put("status", status);
            metrics.count(item.received().provider(), status);
        }
        respond(exchange, 202, "application/json", answer);
    }

    private static void logQuarantined(String key, ReceivedPayload received, Quarantined q) {
        LogKeys.about(log.atInfo(), key, LogKeys.source(received.provider(), received.sourceId()), null)
                .log("quarantined {} from {}/{}: {}", key, received.provider(), received.sourceId(), q.reason().code());
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
