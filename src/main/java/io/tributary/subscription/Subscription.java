package io.tributary.subscription;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A subscriber: where canonical events go and which ones.
 *
 * @param types        exact types, {@code prefix.*} or {@code *}; empty matches every type
 * @param providers    provider ids; empty matches every provider
 * @param tenants      tenants; empty matches every tenant
 * @param filter       a JSONata expression over the canonical event that must give {@code true}; or null
 * @param secrets      the current signing secret first, then rotated-out ones still in their grace period;
 *                     secrets, never logged
 * @param format       {@code structured} (the CloudEvent as the body) or {@code binary} ({@code data}
 *                     as the body, attributes as {@code ce-*} headers)
 * @param headers      extra request headers
 * @param paused       held: matching events are kept and delivered in order on resume
 * @param pausedReason why: {@code manual}, {@code failing} (too many consecutive failures), {@code gone} (410)
 */
public record Subscription(String id, String url, List<String> types, List<String> providers, List<String> tenants,
                           String filter, List<SigningSecret> secrets, String format, Map<String, String> headers,
                           boolean paused, String pausedReason, Instant createdAt, Instant updatedAt) {

    public static final String STRUCTURED = "structured";
    public static final String BINARY = "binary";

    public Subscription {
        types = types == null ? List.of() : List.copyOf(types);
        providers = providers == null ? List.of() : List.copyOf(providers);
        tenants = tenants == null ? List.of() : List.copyOf(tenants);
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        format = format == null ? STRUCTURED : format;
    }

    /** Whether the event's type, provider and tenant are among those asked for: everything but the filter. */
    public boolean matchesAttributes(ObjectNode event) {
        return matchesType(event.path("type").asText())
                && (providers.isEmpty() || providers.contains(event.path("provider").asText()))
                && (tenants.isEmpty() || tenants.contains(event.path("tenant").asText()));
    }

    /**
     * Tributary's own events ({@code tributary.*}) only where the types name them: a subscription to
     * every type was made for the providers' events, and does not get them unasked.
     */
    private boolean matchesType(String type) {
        boolean own = type.startsWith("tributary.");
        if (types.isEmpty()) {
            return !own;
        }
        for (String pattern : types) {
            if (own && !pattern.startsWith("tributary.")) {
                continue;
            }
            if (pattern.equals("*") || pattern.equals(type)
                    || (pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** The secrets that sign a request sent now. */
    public List<SigningSecret> activeSecrets(Instant now) {
        return secrets.stream().filter(s -> s.activeAt(now)).toList();
    }

    public Subscription withPaused(boolean paused, String reason, Instant now) {
        return new Subscription(id, url, types, providers, tenants, filter, secrets, format, headers,
                paused, paused ? reason : null, createdAt, now);
    }

    public Subscription withSecrets(List<SigningSecret> secrets, Instant now) {
        return new Subscription(id, url, types, providers, tenants, filter, secrets, format, headers,
                paused, pausedReason, createdAt, now);
    }

    @Override
    public String toString() {
        return "Subscription[" + id + " -> " + url + ", types=" + types + ", paused=" + paused + "]";
    }
}
