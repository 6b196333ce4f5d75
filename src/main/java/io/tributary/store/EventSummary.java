package io.tributary.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * One event as a search lists it: its searchable columns, not its body.
 *
 * @param key the event's key (its id in {@code /api/v1/events/{key}})
 * @param id  the canonical id (the provider's)
 */
public record EventSummary(String key, String id, String type, String provider, String sourceId, String tenant, String subject,
                           Instant time, Instant recordedAt) {

    /** Where a page ended: its last event's time of receipt and key. */
    public record Cursor(Instant recordedAt, String key) {

        /** The cursor as an opaque, URL-safe string. */
        public String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((recordedAt.toEpochMilli() + ":" + key).getBytes(StandardCharsets.UTF_8));
        }

        /** @throws IllegalArgumentException when the text is no cursor */
        public static Cursor decode(String text) {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int colon = plain.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("not a cursor");
            }
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(plain.substring(0, colon))), plain.substring(colon + 1));
        }
    }

    public Cursor cursor() {
        return new Cursor(recordedAt, key);
    }
}
