package io.tributary.canonical;

/**
 * A mapping gave a time that names no instant (a placeholder, a word, an epoch of zero): the event is
 * invalid rather than silently stamped with the time it was received.
 *
 * @param field the canonical field, as a JSON Pointer ({@code /time}, {@code /data/bounce/at})
 */
public final class UnreadableTime extends RuntimeException {

    private final String field;

    public UnreadableTime(String field) {
        super(field + " is not a time", null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
