package io.tributary.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Provider time values to RFC 3339 UTC. Providers send unix seconds (sometimes milliseconds, sometimes
 * as strings), ISO strings with or without an offset (no offset means UTC), with a space instead of
 * {@code T}, or the US form {@code 4/23/2026 3:04:05 PM}.
 */
public final class Timestamps {

    /** Values above this are taken as epoch milliseconds (it is the year 5138 in seconds). */
    private static final long MILLIS_THRESHOLD = 100_000_000_000L;

    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH", "Z").optionalEnd()
            .toFormatter(Locale.ROOT);

    private static final List<DateTimeFormatter> US = List.of(
            DateTimeFormatter.ofPattern("M/d/yyyy h:mm:ss a", Locale.US),
            DateTimeFormatter.ofPattern("M/d/yyyy h:mm a", Locale.US),
            DateTimeFormatter.ofPattern("M/d/yyyy H:mm:ss", Locale.US),
            DateTimeFormatter.ofPattern("M/d/yyyy H:mm", Locale.US));

    private Timestamps() {
    }

    /** The instant a provider value names, or {@code null} when it names none. */
    public static Instant parse(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (value.isNumber()) {
            return fromEpoch(value.asLong());
        }
        if (!value.isTextual()) {
            return null;
        }
        return parse(value.textValue().trim());
    }

    /**
     * Whether the value gives a time at all: anything but absent, {@code null} or a blank string. A
     * given value that {@link #parse} cannot read is an error, not a missing time.
     */
    public static boolean given(JsonNode value) {
        return value != null && !value.isNull() && !value.isMissingNode()
                && !(value.isTextual() && value.textValue().isBlank());
    }

    static Instant parse(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 13) {
            return fromEpoch(Long.parseLong(s));
        }
        try {
            var parsed = OFFSET.parseBest(s, OffsetDateTime::from, LocalDateTime::from);
            if (parsed instanceof OffsetDateTime odt) {
                return odt.toInstant();
            }
            return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        String upper = s.toUpperCase(Locale.ROOT);
        for (DateTimeFormatter us : US) {
            try {
                return LocalDateTime.parse(upper, us).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException ignored) {
                // next
            }
        }
        return null;
    }

    private static Instant fromEpoch(long n) {
        if (n <= 0) {
            return null;
        }
        return n >= MILLIS_THRESHOLD ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
    }

    /** RFC 3339 in UTC with {@code Z}; fractional seconds only when there are any, at most milliseconds. */
    public static String format(Instant instant) {
        Instant millis = instant.truncatedTo(ChronoUnit.MILLIS);
        return DateTimeFormatter.ISO_INSTANT.format(millis);
    }

}
