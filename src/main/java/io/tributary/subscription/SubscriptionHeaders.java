package io.tributary.subscription;

import java.util.Locale;
import java.util.Set;

/**
 * The syntax of a request header Tributary sends (RFC 9110 §5.1, §5.5): a name is a token, a value is
 * visible ASCII, space, tab and Latin-1 {@code obs-text}, never a control character (CR, LF, NUL,
 * other C0, DEL) and never a character above U+00FF, which HTTP/1.1 cannot carry. Checked when a
 * subscription is written, so a bad value is a 400 then rather than a failure at every send, and
 * again before each send, so no value can split a request whatever was stored before this rule.
 */
public final class SubscriptionHeaders {

    /** A token's characters besides letters and digits (RFC 9110 §5.6.2). */
    private static final String TOKEN_PUNCTUATION = "!#$%&'*+.^_`|~-";
    private static final int MAX_NAME = 100;
    /** Headers Tributary sets itself: a subscription cannot replace them. */
    private static final Set<String> RESERVED = Set.of("content-type", "content-length", "host", "user-agent",
            "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer", "keep-alive");
    private static final int MAX_VALUE = 4096;
    /** What a redacted value reads as. */
    public static final String REDACTED = "********";

    private SubscriptionHeaders() {
    }

    /** Why a header cannot be sent as it is, or {@code null}; the reason names the header, never its value. */
    public static String problem(String name, String value) {
        if (!isName(name)) {
            return "'" + printable(name) + "' is not a header name (letters, digits and " + TOKEN_PUNCTUATION + " only).";
        }
        if (value == null || value.length() > MAX_VALUE) {
            return "the value of '" + name + "' must be one line of at most " + MAX_VALUE + " characters.";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return "the value of '" + name + "' holds a control character (U+%04X) at %d.".formatted((int) c, i);
            }
            if (c > 0xff) {
                return "the value of '" + name + "' holds a character outside Latin-1 (U+%04X) at %d.".formatted((int) c, i);
            }
        }
        return null;
    }

    /**
     * Whether the name is a token of 1 to {@value #MAX_NAME} characters. Checked before every send, so a
     * loop over the characters rather than a regular expression (which was a tenth of a delivery's
     * completion thread).
     */
    static boolean isName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && TOKEN_PUNCTUATION.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a header's value is to be shown as {@link #REDACTED} once written: its name suggests a
     * credential. The one rule for the subscription API's answers and the dead letters, so a header
     * hidden in one is hidden in the other.
     */
    public static boolean secretLooking(String name) {
        String h = name.toLowerCase(Locale.ROOT);
        return h.contains("auth") || h.contains("token") || h.contains("secret") || h.contains("key")
                || h.contains("password") || h.contains("cookie");
    }

    /** Whether Tributary sets this header itself, so a subscription may not. */
    static boolean reserved(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return RESERVED.contains(lower) || lower.startsWith("webhook-") || lower.startsWith("ce-");
    }

    /** A name quoted back in a problem: its control characters escaped, so the detail itself stays one line. */
    private static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder();
        name.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append("\\u%04X".formatted(c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
