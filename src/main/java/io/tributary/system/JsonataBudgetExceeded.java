package io.tributary.system;

/**
 * An evaluation went over its {@link JsonataBudget}: too much CPU time, too long a string, too large a
 * range or array, too deep a recursion, or a construct that would escape the budget ({@code $eval}).
 * The message names the limit; it never contains a value of the input.
 */
public final class JsonataBudgetExceeded extends RuntimeException {

    private final boolean time;

    public JsonataBudgetExceeded(String message) {
        this(message, false);
    }

    JsonataBudgetExceeded(String message, boolean time) {
        super(message, null, false, false);
        this.time = time;
    }

    /** Whether the limit was time: the one limit an evaluation can go over once and not the next time. */
    public boolean time() {
        return time;
    }
}
