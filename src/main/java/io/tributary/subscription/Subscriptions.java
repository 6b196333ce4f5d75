package io.tributary.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.system.JsonataBudgetExceeded;
import io.tributary.system.JsonataExpression;
import io.tributary.system.NetworkPolicy;
import io.tributary.system.ProblemException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Creating and changing subscriptions: every rule a request must meet, checked in one place, with a
 * 400 that names the field.
 */
public final class Subscriptions {

    private static final Pattern TYPE = Pattern.compile("\\*|[a-z][a-z_]*(\\.[a-z_]+)*(\\.\\*)?");

    private final SubscriptionRegistry registry;
    private final Duration secretGracePeriod;
    private final NetworkPolicy network;
    private final GoldenEvents golden;
    private final Clock clock;

    /** @param golden the events a new filter is tried on: one that goes over its budget on any of them is refused */
    public Subscriptions(SubscriptionRegistry registry, Duration secretGracePeriod, NetworkPolicy network, GoldenEvents golden,
                         Clock clock) {
        this.registry = registry;
        this.secretGracePeriod = secretGracePeriod;
        this.network = network;
        this.golden = golden;
        this.clock = clock;
    }

    public Subscription create(SubscriptionRequest request) {
        return create("sub_" + UUID.randomUUID().toString().replace("-", ""), request);
    }

    /** Creates (or, for an id declared in configuration, replaces) the subscription with this id. */
    public Subscription create(String id, SubscriptionRequest request) {
        Instant now = clock.instant();
        String secret = request.secret() == null || request.secret().isBlank() ? SigningSecret.generate() : request.secret();
        Subscription s = validated(id, request, List.of(new SigningSecret(secret, null)), now, now);
        registry.save(s);
        return s;
    }

    /**
     * Replaces everything a client controls; the secret too when one is given, else it is kept. A header
     * sent back with its redacted value ({@value SubscriptionHeaders#REDACTED}, as a read shows it)
     * keeps its current value, so a subscription read and written back loses no credential.
     */
    public Subscription update(String id, SubscriptionRequest request) {
        Subscription current = get(id);
        if (request.headers() != null && request.headers().containsValue(SubscriptionHeaders.REDACTED)) {
            Map<String, String> headers = new java.util.LinkedHashMap<>(request.headers());
            headers.replaceAll((name, value) -> value.equals(SubscriptionHeaders.REDACTED) && current.headers().containsKey(name)
                    ? current.headers().get(name) : value);
            request = new SubscriptionRequest(request.url(), request.types(), request.providers(), request.tenants(), request.filter(),
                    request.secret(), request.format(), headers, request.paused());
        }
        List<SigningSecret> secrets = request.secret() == null || request.secret().isBlank()
                ? current.secrets() : List.of(new SigningSecret(request.secret(), null));
        Subscription s = validated(id, request, secrets, current.createdAt(), clock.instant());
        registry.save(s);
        return s;
    }

    public Subscription get(String id) {
        return registry.find(id).orElseThrow(() -> ProblemException.notFound("No subscription '" + id + "'."));
    }

    public List<Subscription> all() {
        return registry.all();
    }

    public void delete(String id) {
        if (!registry.delete(id)) {
            throw ProblemException.notFound("No subscription '" + id + "'.");
        }
    }

    public Subscription pause(String id, String reason) {
        Subscription s = get(id).withPaused(true, reason, clock.instant());
        registry.save(s);
        return s;
    }

    public Subscription resume(String id) {
        Subscription s = get(id).withPaused(false, null, clock.instant());
        registry.save(s);
        return s;
    }

    /**
     * A new current secret; the old ones keep signing beside it until the grace period ends, so a
     * subscriber can switch over without rejecting a request.
     */
    public Subscription rotateSecret(String id, String newSecret) {
        Subscription current = get(id);
        Instant now = clock.instant();
        String secret = newSecret == null || newSecret.isBlank() ? SigningSecret.generate() : newSecret;
        checkSecret(secret);
        List<SigningSecret> secrets = new ArrayList<>();
        secrets.add(new SigningSecret(secret, null));
        for (SigningSecret old : current.activeSecrets(now)) {
            Instant expiry = old.expiresAt() == null ? now.plus(secretGracePeriod) : old.expiresAt();
            secrets.add(new SigningSecret(old.secret(), expiry));
        }
        Subscription s = current.withSecrets(secrets, now);
        registry.save(s);
        return s;
    }

    /**
     * What a subscription as drafted would do with an event (the console's live check): whether it
     * gets it, whether its types, providers and tenants let it through, and what its filter gave.
     *
     * @param filterResult the filter's value ({@code true} sends), or null without a filter or when it failed
     * @param filterError  why the filter gave no value (a live event would be held with it), or null
     */
    public record Check(boolean matches, boolean attributes, JsonNode filterResult, String filterError) {
    }

    /** @throws ProblemException 400 when the filter is no JSONata expression */
    public Check check(SubscriptionRequest draft, ObjectNode event) {
        Instant now = clock.instant();
        Subscription s = new Subscription("draft", "https://draft.invalid/", draft.types(), draft.providers(), draft.tenants(),
                null, List.of(), null, Map.of(), false, null, now, now);
        boolean attributes = s.matchesAttributes(event);
        if (draft.filter() == null || draft.filter().isBlank()) {
            return new Check(attributes, attributes, null, null);
        }
        JsonataExpression filter;
        try {
            filter = new JsonataExpression(draft.filter(), registry.budget());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("filter", "not a JSONata expression: " + e.getMessage());
        }
        try {
            JsonNode result = filter.evaluate(event, Map.of());
            boolean yes = result != null && result.isBoolean() && result.booleanValue();
            return new Check(attributes && yes, attributes, result, null);
        } catch (JsonataBudgetExceeded e) {
            return new Check(false, attributes, null, "over its budget: " + e.getMessage());
        } catch (Exception e) {
            return new Check(false, attributes, null, "failed: " + e.getMessage());
        }
    }

    private Subscription validated(String id, SubscriptionRequest r, List<SigningSecret> secrets,
                                   Instant createdAt, Instant now) {
        checkUrl(r.url());
        String refusal = network.literalRefusal(URI.create(r.url()));
        if (refusal != null) {
            throw ProblemException.invalidField("url", refusal + ".");
        }
        List<String> types = r.types() == null ? List.of() : r.types();
        for (String type : types) {
            if (type == null || !TYPE.matcher(type).matches()) {
                throw ProblemException.invalidField("types", "'" + type + "' is not a type, a 'prefix.*' or '*'.");
            }
        }
        checkStrings("providers", r.providers());
        checkStrings("tenants", r.tenants());
        if (r.filter() != null && !r.filter().isBlank()) {
            checkFilter(r.filter());
        }
        secrets.forEach(s -> checkSecret(s.secret()));
        String format = r.format() == null ? Subscription.STRUCTURED : r.format();
        if (!format.equals(Subscription.STRUCTURED) && !format.equals(Subscription.BINARY)) {
            throw ProblemException.invalidField("format", "must be 'structured' or 'binary'.");
        }
        Map<String, String> headers = r.headers() == null ? Map.of() : r.headers();
        headers.forEach(Subscriptions::checkHeader);
        boolean paused = Boolean.TRUE.equals(r.paused());
        return new Subscription(id, r.url(), types, r.providers(), r.tenants(),
                r.filter() == null || r.filter().isBlank() ? null : r.filter(), secrets, format, headers,
                paused, paused ? "manual" : null, createdAt, now);
    }

    /**
     * The filter parses, and stays within its budget on every golden sample. A filter that merely fails
     * on a sample (another provider's event, say) is accepted: on a live event that would hold the
     * delivery with the reason, not drop it.
     */
    private void checkFilter(String text) {
        JsonataExpression filter;
        try {
            filter = new JsonataExpression(text, registry.budget());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("filter", "not a JSONata expression: " + e.getMessage());
        }
        for (GoldenEvents.Sample sample : golden.samples()) {
            try {
                filter.evaluate(sample.event(), Map.of());
            } catch (JsonataBudgetExceeded e) {
                throw ProblemException.invalidField("filter", "goes over its budget on the sample event " + sample.name()
                        + ": " + e.getMessage() + " (tributary.jsonata.*).");
            } catch (Exception e) {
                // fails on this event: see above
            }
        }
    }

    private static void checkUrl(String url) {
        if (url == null || url.isBlank()) {
            throw ProblemException.invalidField("url", "is required.");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || url.length() > 2048) {
                throw ProblemException.invalidField("url", "must be an absolute http or https URL.");
            }
        } catch (URISyntaxException e) {
            throw ProblemException.invalidField("url", "is not a URL.");
        }
    }

    private static void checkStrings(String field, List<String> values) {
        if (values != null && values.stream().anyMatch(v -> v == null || v.isBlank())) {
            throw ProblemException.invalidField(field, "must not contain empty values.");
        }
    }

    private static void checkSecret(String secret) {
        try {
            SigningSecret.keyOf(secret);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("secret", e.getMessage() + " (whsec_ followed by base64 of 24 to 64 bytes).");
        }
    }

    private static void checkHeader(String name, String value) {
        String problem = SubscriptionHeaders.problem(name, value);
        if (problem != null) {
            throw ProblemException.invalidField("headers", problem);
        }
        if (SubscriptionHeaders.reserved(name)) {
            throw ProblemException.invalidField("headers", "'" + name + "' is set by Tributary.");
        }
    }
}
