package io.tributary.store;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * Values as a column holds them. Times are {@code TIMESTAMP}s. Text: PostgreSQL refuses the
 * character U+0000 (H2 takes it), and a payload's value or a subscriber's response may well carry
 * one: it becomes U+FFFD in the columns that copy or describe (the canonical event's JSON escapes it
 * and keeps it whole), so no payload can make its row unstorable.
 */
public final class Columns {

    private Columns() {
    }

    /** A time as a {@code TIMESTAMP} parameter; null stays null. */
    public static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** A {@code TIMESTAMP} column's value as a time; null stays null. */
    public static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    /** The text with U+0000 replaced; null stays null. */
    public static String text(String value) {
        return value == null || value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
    }

    /** {@link #text}, at most {@code max} characters, never half a surrogate pair. */
    public static String cut(String value, int max) {
        String clean = text(value);
        if (clean == null || clean.length() <= max) {
            return clean;
        }
        int end = Character.isHighSurrogate(clean.charAt(max - 1)) ? max - 1 : max;
        return clean.substring(0, end);
    }
}
