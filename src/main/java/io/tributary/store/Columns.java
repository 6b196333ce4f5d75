package io.tributary.store;

/**
 * Text as a column can hold it. PostgreSQL refuses the character U+0000 in text (H2 takes it), and a
 * payload's value or a subscriber's response may well carry one: it becomes U+FFFD in the columns
 * that copy or describe (the canonical event's JSON escapes it and keeps it whole), so no payload can
 * make its row unstorable.
 */
public final class Columns {

    private Columns() {
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
