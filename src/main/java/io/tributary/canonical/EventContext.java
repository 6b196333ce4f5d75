package io.tributary.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * What Tributary knows about one received payload besides the payload itself.
 *
 * @param provider     provider id, e.g. {@code mailstand}
 * @param sourceId     the configured source it came in through ({@code dry-run} for the normalize API)
 * @param sourceTenant the tenant configured on the source, or {@code null}
 * @param eventKey     the event key from the webhook URL, or {@code null}
 * @param payload      the provider payload; never logged
 * @param receivedAt   when Tributary received it
 */
public record EventContext(String provider, String sourceId, String sourceTenant, String eventKey,
                           JsonNode payload, Instant receivedAt) {
}
