package io.tributary.system;

/**
 * An evaluation went over its {@link JsonataBudget}: too much CPU time, too long a string, too large a
 * range or array, too deep a recursion, or a construct that would escape the budget ({@code $eval}).
 * The message names the limit; it never contains a value of the input.
 */
public final class JsonataBudgetExceeded extends RuntimeException {

    public JsonataBudgetExceeded(String message) {
        super(message, null, false, false);
    }
}
