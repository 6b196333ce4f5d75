package io.tributary.subscription;

import java.util.List;
import java.util.Map;

/**
 * A subscription as a client writes it ({@code POST}/{@code PUT /api/v1/subscriptions}, or
 * {@code tributary.subscriptions.<id>.*}). {@code secret} is a secret: never logged.
 */
public record SubscriptionRequest(String url, List<String> types, List<String> providers, List<String> tenants,
                                  String filter, String secret, String format, Map<String, String> headers,
                                  Boolean paused) {

    @Override
    public String toString() {
        return "SubscriptionRequest[" + url + ", types=" + types + "]";
    }
}
