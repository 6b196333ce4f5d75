package io.tributary.store;

import java.time.Instant;
import java.util.Map;

/**
 * A provider request as it arrived: kept with every event and quarantine entry so it can be shown
 * and replayed. The body and headers are never logged; secret-bearing headers are redacted before
 * they get here.
 *
 * @param provider   provider id
 * @param sourceId   source it came in through
 * @param eventKey   event key from the URL, or {@code null}
 * @param receivedAt when it arrived
 * @param headers    request headers (lower-case names), secrets redacted
 * @param body       the raw body, UTF-8
 */
public record ReceivedPayload(String provider, String sourceId, String eventKey, Instant receivedAt,
                              Map<String, String> headers, String body) {
}
