package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.delivery.DeliveryHealth;
import io.tributary.delivery.SubscriptionHealth;
import io.tributary.delivery.TestEvents;
import io.tributary.subscription.GoldenEvents;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionHeaders;
import io.tributary.subscription.SubscriptionRequest;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.ProblemException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Subscriptions. A secret is shown once, in the answer that creates it (create, rotate); every other
 * answer redacts it, and the values of credential-looking headers.
 */
@RestController
class SubscriptionController {

    /** How far back a subscription's success rate looks. */
    private static final Duration HEALTH_WINDOW = Duration.ofHours(1);

    private final Subscriptions subscriptions;
    private final DeliveryDispatcher dispatcher;
    private final DeliveryHealth health;
    private final TestEvents testEvents;
    private final GoldenEvents golden;
    private final ObjectMapper json;

    SubscriptionController(Subscriptions subscriptions, DeliveryDispatcher dispatcher, DeliveryHealth health, TestEvents testEvents,
                           GoldenEvents golden, ObjectMapper json) {
        this.subscriptions = subscriptions;
        this.dispatcher = dispatcher;
        this.health = health;
        this.testEvents = testEvents;
        this.golden = golden;
        this.json = json;
    }

    @PostMapping("/api/v1/subscriptions")
    ResponseEntity<ObjectNode> create(@RequestBody(required = false) byte[] body) {
        Subscription s = subscriptions.create(request(body));
        return ResponseEntity.created(URI.create("/api/v1/subscriptions/" + s.id())).body(view(s, true));
    }

    /** Every subscription, each with its health (success rate over the last hour, failures in a row, held, dead letters). */
    @GetMapping("/api/v1/subscriptions")
    ObjectNode list() {
        ObjectNode page = json.createObjectNode();
        var items = page.putArray("items");
        Map<String, SubscriptionHealth> recent = health.recent(HEALTH_WINDOW);
        subscriptions.all().forEach(s -> items.add(view(s, false).putPOJO("health", health.of(recent, s.id()))));
        return page;
    }

    @GetMapping("/api/v1/subscriptions/{id}")
    ObjectNode get(@PathVariable String id) {
        Subscription s = subscriptions.get(id);
        return view(s, false).putPOJO("health", health.of(health.recent(HEALTH_WINDOW), s.id()));
    }

    /**
     * Sends the subscription a test event ({@code tributary.subscription.test}): stored, signed, retried
     * and shown with its attempts as any event, delivered to this subscription alone.
     */
    @PostMapping("/api/v1/subscriptions/{id}/test")
    ResponseEntity<TestSent> test(@PathVariable String id) {
        String event = testEvents.send(id);
        return ResponseEntity.accepted().body(new TestSent(event, event + "/" + id));
    }

    /** @param event the test event's key ({@code /api/v1/events/{event}}); @param delivery its delivery's id */
    record TestSent(String event, String delivery) {
    }

    /**
     * The live check of a subscription being written: would it get this event (given, or a golden
     * sample's by name), and what does its filter say of it.
     */
    @PostMapping("/api/v1/subscriptions/check")
    Subscriptions.Check check(@RequestBody(required = false) byte[] body) {
        ObjectNode request = parse(body);
        SubscriptionRequest draft = request(request.path("subscription") instanceof ObjectNode o ? o : json.createObjectNode());
        ObjectNode event;
        if (request.get("event") instanceof ObjectNode given) {
            event = given;
        } else if (request.hasNonNull("sample")) {
            String name = request.get("sample").asText();
            event = golden.samples().stream().filter(sample -> sample.name().equals(name)).findFirst()
                    .orElseThrow(() -> ProblemException.invalidField("sample", "no golden sample '" + name + "'.")).event();
        } else {
            throw ProblemException.badRequest("Give the event to check, as 'event' (a canonical event) or 'sample' (a golden sample's name).");
        }
        return subscriptions.check(draft, event);
    }

    /** The golden samples' canonical events, by name ({@code <provider>/<case>}): events to check a subscription on. */
    @GetMapping("/api/v1/samples")
    SampleEvents samples() {
        return new SampleEvents(golden.samples());
    }

    record SampleEvents(List<GoldenEvents.Sample> items) {
    }

    @PutMapping("/api/v1/subscriptions/{id}")
    ObjectNode update(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        SubscriptionRequest request = request(body);
        Subscription s = subscriptions.update(id, request);
        if (!s.paused()) {
            dispatcher.releaseHeld(id);
        }
        return view(s, request.secret() != null);
    }

    @DeleteMapping("/api/v1/subscriptions/{id}")
    ResponseEntity<Void> delete(@PathVariable String id) {
        subscriptions.delete(id);
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/api/v1/subscriptions/{id}/pause")
    ObjectNode pause(@PathVariable String id) {
        return view(subscriptions.pause(id, "manual"), false);
    }

    /**
     * Resumes, resets the failure count, and sends the held deliveries in their order; with
     * {@code replayDeadLetters=true} its dead letters too (up to 10,000, oldest first).
     */
    @PostMapping("/api/v1/subscriptions/{id}/resume")
    ObjectNode resume(@PathVariable String id, @RequestParam(defaultValue = "false") boolean replayDeadLetters) {
        Subscription s = subscriptions.resume(id);
        int replayed = replayDeadLetters ? dispatcher.replayDeadLetters(id, 10_000) : 0; // older than what was held
        int released = dispatcher.releaseHeld(id);
        ObjectNode view = view(s, false).put("released", released);
        return replayDeadLetters ? view.put("replayed", replayed) : view;
    }

    @PostMapping("/api/v1/subscriptions/{id}/rotate-secret")
    ObjectNode rotate(@PathVariable String id, @RequestBody(required = false) byte[] body) {
        String secret = null;
        if (body != null && body.length > 0) {
            secret = parse(body).path("secret").asText(null);
        }
        return view(subscriptions.rotateSecret(id, secret), true);
    }

    private SubscriptionRequest request(byte[] body) {
        return request(parse(body));
    }

    private SubscriptionRequest request(ObjectNode body) {
        try {
            return json.treeToValue(body, SubscriptionRequest.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
            throw ProblemException.badRequest("The subscription does not have the expected shape: "
                    + (e instanceof com.fasterxml.jackson.databind.JsonMappingException m ? m.getOriginalMessage() : "bad value"));
        }
    }

    private ObjectNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("A JSON object is expected.");
        }
        try {
            if (json.readTree(body) instanceof ObjectNode object) {
                return object;
            }
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("The request body is not valid JSON.");
        }
        throw ProblemException.badRequest("The request body must be a JSON object.");
    }

    private ObjectNode view(Subscription s, boolean revealSecret) {
        ObjectNode view = json.createObjectNode();
        view.put("id", s.id());
        view.put("url", s.url());
        view.set("types", json.valueToTree(s.types()));
        view.set("providers", json.valueToTree(s.providers()));
        view.set("tenants", json.valueToTree(s.tenants()));
        view.put("filter", s.filter());
        view.put("format", s.format());
        Map<String, String> headers = new TreeMap<>();
        s.headers().forEach((name, value) -> headers.put(name, revealSecret || !SubscriptionHeaders.secretLooking(name) ? value : SubscriptionHeaders.REDACTED));
        view.set("headers", json.valueToTree(headers));
        view.put("paused", s.paused());
        view.put("pausedReason", s.pausedReason());
        view.put("secret", revealSecret && !s.secrets().isEmpty() ? s.secrets().get(0).secret() : "whsec_" + SubscriptionHeaders.REDACTED);
        view.put("createdAt", s.createdAt().toString());
        view.put("updatedAt", s.updatedAt().toString());
        return view;
    }
}
