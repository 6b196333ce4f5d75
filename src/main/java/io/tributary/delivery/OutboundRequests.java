package io.tributary.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscription.Subscription;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * The HTTP request for one attempt: the event in the subscription's CloudEvents format, the Standard
 * Webhooks headers (signed afresh for every attempt, {@code webhook-id} the event id on every one),
 * the subscription's own headers and Tributary's {@code User-Agent}.
 */
final class OutboundRequests {

    private final ObjectMapper json;
    private final String userAgent;
    private final Duration requestTimeout;

    OutboundRequests(ObjectMapper json, String userAgent, Duration requestTimeout) {
        this.json = json;
        this.userAgent = userAgent;
        this.requestTimeout = requestTimeout;
    }

    HttpRequest build(ObjectNode event, Subscription subscription, Instant now) {
        boolean binary = Subscription.BINARY.equals(subscription.format());
        byte[] body = bytes(binary ? event.path("data") : event);
        String id = event.path("id").asText();
        long timestamp = now.getEpochSecond();

        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(subscription.url()))
                .timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        subscription.headers().forEach(request::header);
        request.setHeader("User-Agent", userAgent);
        request.setHeader("Content-Type", binary ? "application/json" : "application/cloudevents+json");
        request.setHeader("webhook-id", id);
        request.setHeader("webhook-timestamp", Long.toString(timestamp));
        request.setHeader("webhook-signature", WebhookSigner.sign(id, timestamp, body, subscription.activeSecrets(now)));
        if (binary) {
            for (Iterator<Map.Entry<String, JsonNode>> it = event.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> attribute = it.next();
                String name = attribute.getKey();
                if (!name.equals("data") && !name.equals("datacontenttype") && attribute.getValue().isValueNode()) {
                    request.setHeader("ce-" + name, percentEncoded(attribute.getValue().asText()));
                }
            }
        }
        return request.build();
    }

    private byte[] bytes(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * CloudEvents HTTP binding: in a header value, space, {@code "}, {@code %} and everything outside
     * printable ASCII are percent-encoded as UTF-8.
     */
    static String percentEncoded(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '%') {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }
}
