package io.tributary.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.annotations.media.Schema;
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
import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
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

    private final io.tributary.delivery.OperationalEvents operational;

    SubscriptionController(Subscriptions subscriptions, DeliveryDispatcher dispatcher, DeliveryHealth health, TestEvents testEvents,
                           GoldenEvents golden, io.tributary.delivery.OperationalEvents operational) {
        this.operational = operational;
        this.subscriptions = subscriptions;
        this.dispatcher = dispatcher;
        this.health = health;
        this.testEvents = testEvents;
        this.golden = golden;
    }

    /**
     * A subscription as the API shows it.
     *
     * @param secret   the signing secret in the answers that make one (create, rotate, an update that sets
     *                 one), else redacted
     * @param health   its deliveries: success rate over the last hour, failures in a row, held, dead letters
     * @param released on resume: the held deliveries sent
     * @param replayed on resume with {@code replayDeadLetters}: the dead letters sent again
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SubscriptionView(String id, String url, List<String> types, List<String> providers, List<String> tenants, String filter,
                            String format, Map<String, String> headers, boolean paused,
                            @Schema(description = "manual, failing (too many failures in a row) or gone (410)") String pausedReason,
                            String secret, Instant createdAt, Instant updatedAt, SubscriptionHealth health, Integer released,
                            Integer replayed) {

        SubscriptionView with(SubscriptionHealth h) {
            return new SubscriptionView(id, url, types, providers, tenants, filter, format, headers, paused, pausedReason, secret,
                    createdAt, updatedAt, h, released, replayed);
        }
    }

    record SubscriptionList(List<SubscriptionView> items) {
    }

    @PostMapping("/api/v1/subscriptions")
    ResponseEntity<SubscriptionView> create(@Valid @RequestBody SubscriptionRequest request) {
        Subscription s = subscriptions.create(request);
        return ResponseEntity.created(URI.create("/api/v1/subscriptions/" + s.id())).body(view(s, true));
    }

    /** Every subscription, each with its health (success rate over the last hour, failures in a row, held, dead letters). */
    @GetMapping("/api/v1/subscriptions")
    SubscriptionList list() {
        Map<String, SubscriptionHealth> recent = health.recent(HEALTH_WINDOW);
        return new SubscriptionList(subscriptions.all().stream().map(s -> view(s, false).with(health.of(recent, s.id()))).toList());
    }

    @GetMapping("/api/v1/subscriptions/{id}")
    SubscriptionView get(@PathVariable String id) {
        Subscription s = subscriptions.get(id);
        return view(s, false).with(health.of(health.recent(HEALTH_WINDOW), s.id()));
    }

    /**
     * Replaces everything a client controls; a header sent back with its redacted value keeps the
     * stored one, and the secret is kept unless one is given.
     */
    @PutMapping("/api/v1/subscriptions/{id}")
    SubscriptionView update(@PathVariable String id, @Valid @RequestBody SubscriptionRequest request) {
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
    SubscriptionView pause(@PathVariable String id) {
        return view(operational.pause(id, "manual"), false);
    }

    /**
     * Resumes, resets the failure count, and sends the held deliveries in their order; with
     * {@code replayDeadLetters=true} its dead letters too (up to 10,000, oldest first).
     */
    @PostMapping("/api/v1/subscriptions/{id}/resume")
    SubscriptionView resume(@PathVariable String id, @RequestParam(defaultValue = "false") boolean replayDeadLetters) {
        Subscription s = subscriptions.resume(id);
        Integer replayed = replayDeadLetters ? dispatcher.replayDeadLetters(id, 10_000) : null; // older than what was held
        int released = dispatcher.releaseHeld(id);
        SubscriptionView v = view(s, false);
        return new SubscriptionView(v.id(), v.url(), v.types(), v.providers(), v.tenants(), v.filter(), v.format(), v.headers(), v.paused(),
                v.pausedReason(), v.secret(), v.createdAt(), v.updatedAt(), null, released, replayed);
    }

    /** @param secret the new secret (whsec_...), or none for a generated one */
    record RotateSecret(@Size(max = 200) String secret) {
    }

    /** A new current secret, shown this once; the old one keeps signing beside it for the grace period. */
    @PostMapping("/api/v1/subscriptions/{id}/rotate-secret")
    SubscriptionView rotate(@PathVariable String id, @Valid @RequestBody(required = false) RotateSecret request) {
        return view(subscriptions.rotateSecret(id, request == null ? null : request.secret()), true);
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
     * @param subscription the subscription as being written (its URL may be left out)
     * @param event        a canonical event to check it on; or
     * @param sample       a golden sample's name ({@code <provider>/<case>}, see {@code /api/v1/samples})
     */
    record CheckRequest(SubscriptionRequest subscription, ObjectNode event, String sample) {
    }

    /**
     * The live check of a subscription being written: would it get this event (given, or a golden
     * sample's by name), and what does its filter say of it.
     */
    @PostMapping("/api/v1/subscriptions/check")
    Subscriptions.Check check(@RequestBody CheckRequest request) {
        ObjectNode event;
        if (request.event() != null) {
            event = request.event();
        } else if (request.sample() != null) {
            event = golden.samples().stream().filter(sample -> sample.name().equals(request.sample())).findFirst()
                    .orElseThrow(() -> ProblemException.invalidField("sample", "no golden sample '" + request.sample() + "'.")).event();
        } else {
            throw ProblemException.badRequest("Give the event to check, as 'event' (a canonical event) or 'sample' (a golden sample's name).");
        }
        SubscriptionRequest draft = request.subscription() != null ? request.subscription()
                : new SubscriptionRequest(null, null, null, null, null, null, null, null, null);
        return subscriptions.check(draft, event);
    }

    /** The golden samples' canonical events, by name ({@code <provider>/<case>}): events to check a subscription on. */
    @GetMapping("/api/v1/samples")
    SampleEvents samples() {
        return new SampleEvents(golden.samples());
    }

    record SampleEvents(List<GoldenEvents.Sample> items) {
    }

    private static SubscriptionView view(Subscription s, boolean revealSecret) {
        Map<String, String> headers = new TreeMap<>();
        s.headers().forEach((name, value) -> headers.put(name,
                revealSecret || !SubscriptionHeaders.secretLooking(name) ? value : SubscriptionHeaders.REDACTED));
        return new SubscriptionView(s.id(), s.url(), s.types(), s.providers(), s.tenants(), s.filter(), s.format(), headers, s.paused(),
                s.pausedReason(), revealSecret && !s.secrets().isEmpty() ? s.secrets().get(0).secret() : "whsec_" + SubscriptionHeaders.REDACTED,
                s.createdAt(), s.updatedAt(), null, null, null);
    }
}
