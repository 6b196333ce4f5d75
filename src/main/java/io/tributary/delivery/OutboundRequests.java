package io.tributary.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;

/**
 * The HTTP request for one attempt: the event in the subscription's CloudEvents format, the Standard
 * Webhooks headers (signed afresh for every attempt, {@code webhook-id} the event id on every one),
 * the subscription's own headers and Tributary's {@code User-Agent}. Every header is checked as a
 * subscription's are at creation (no control characters, nothing above Latin-1), so no stored value and
 * no event id can add a header or split the request: such a request is not built, and the attempt fails.
 */
final class OutboundRequests {

    private final ObjectMapper json;
    private final String userAgent;

    OutboundRequests(ObjectMapper json, String userAgent) {
        this.json = json;
        this.userAgent = userAgent;
    }

    /**
     * @param eventKey the key the event is stored under, sent as {@code webhook-id}: unlike the canonical
     *                 id (the provider's, unique only within its source), it is unique across sources, so a
     *                 subscriber that deduplicates on {@code webhook-id}, as Standard Webhooks advises,
     *                 never drops one account's event as a repeat of another's
     * @throws IllegalArgumentException when a header value cannot be sent as it is
     */
    SimpleHttpRequest build(String eventKey, ObjectNode event, Subscription subscription, Instant now) {
        boolean binary = Subscription.BINARY.equals(subscription.format());
        byte[] body = bytes(binary ? event.path("data") : event);
        String id = eventKey;
        long timestamp = now.getEpochSecond();

        SimpleHttpRequest request = SimpleHttpRequest.create("POST", withoutUserInfo(URI.create(subscription.url())));
        request.setBody(body, ContentType.create(binary ? "application/json" : "application/cloudevents+json"));
        subscription.headers().forEach(request::addHeader);
        request.setHeader("User-Agent", userAgent);
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
        for (Header header : request.getHeaders()) {
            String problem = SubscriptionHeaders.problem(header.getName(), header.getValue());
            if (problem != null) {
                throw new IllegalArgumentException("not sent: " + problem);
            }
        }
        return request;
    }

    /**
     * The URL without {@code user:password@}: the request never carried it (the JDK client that sent
     * deliveries before ignored it too), and the HTTP client refuses a request URI that has it.
     */
    private static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        String authority = url.getRawAuthority();
        return URI.create(url.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath()) + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
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
