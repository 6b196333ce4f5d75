package io.tributary.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * What is stored in the same transaction as a new event (its deliveries), and what to do once the
 * transaction's fate is known: {@code committed(true)} when the event was new and is committed with
 * them, {@code committed(false)} when it was not new or the write failed. Called exactly once, also for
 * a write that commits after its caller stopped waiting (a database slower than the journal's
 * timeout): nothing committed is left unqueued.
 *
 * @param ops       the statements
 * @param committed called once with the outcome
 */
public record Companions(List<Journal.Op> ops, Consumer<Boolean> committed) {

    /** Nothing besides the event. */
    public static final Companions NONE = new Companions(List.of(), fresh -> { });

    /** These statements besides, and the same outcome callback. */
    public Companions with(Journal.Op op) {
        List<Journal.Op> all = new java.util.ArrayList<>(ops);
        all.add(op);
        return new Companions(List.copyOf(all), committed);
    }
}
