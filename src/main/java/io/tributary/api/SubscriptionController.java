package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.delivery.DeliveryDispatcher;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionHeaders;
import io.tributary.subscription.SubscriptionRequest;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.ProblemException;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Subscriptions. A secret is shown once, in the answer that creates it (create, rotate); every other
 * answer redacts it, and the values of credential-looking headers.
 */
@RestController
class SubscriptionController {

    private static final String REDACTED = "********";

    private final Subscriptions subscriptions;
    private final DeliveryDispatcher dispatcher;
    private final ObjectMapper json;

    SubscriptionController(Subscriptions subscriptions, DeliveryDispatcher dispatcher, ObjectMapper json) {
        this.subscriptions = subscriptions;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    @PostMapping("/api/v1/subscriptions")
    ResponseEntity<ObjectNode> create(@RequestBody(required = false) byte[] body) {
        Subscription s = subscriptions.create(request(body));
        return ResponseEntity.created(URI.create("/api/v1/subscriptions/" + s.id())).body(view(s, true));
    }

    @GetMapping("/api/v1/subscriptions")
    ObjectNode list() {
        ObjectNode page = json.createObjectNode();
        var items = page.putArray("items");
        subscriptions.all().forEach(s -> items.add(view(s, false)));
        return page;
    }

    @GetMapping("/api/v1/subscriptions/{id}")
    ObjectNode get(@PathVariable String id) {
        return view(subscriptions.get(id), false);
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

    /** Resumes, resets the failure count, and sends the held deliveries in their order. */
    @PostMapping("/api/v1/subscriptions/{id}/resume")
    ObjectNode resume(@PathVariable String id) {
        Subscription s = subscriptions.resume(id);
        int released = dispatcher.releaseHeld(id);
        return view(s, false).put("released", released);
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
        try {
            return json.treeToValue(parse(body), SubscriptionRequest.class);
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
        s.headers().forEach((name, value) -> headers.put(name, revealSecret || !SubscriptionHeaders.secretLooking(name) ? value : REDACTED));
        view.set("headers", json.valueToTree(headers));
        view.put("paused", s.paused());
        view.put("pausedReason", s.pausedReason());
        view.put("secret", revealSecret && !s.secrets().isEmpty() ? s.secrets().get(0).secret() : "whsec_" + REDACTED);
        view.put("createdAt", s.createdAt().toString());
        view.put("updatedAt", s.updatedAt().toString());
        return view;
    }
}
