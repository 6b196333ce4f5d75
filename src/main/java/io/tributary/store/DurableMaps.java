package io.tributary.store;

/**
 * The names of the Hazelcast structures Tributary keeps. The database is the record; these hold what
 * is small or in flight.
 */
public final class DurableMaps {

    /** Subscriptions: few, read on every event; written through to {@code tributary_subscription}, loaded at start. */
    public static final String SUBSCRIPTIONS = "tributary-subscriptions";
    /** Consecutive failed attempts per subscription: memory only (with a backup on another member). */
    public static final String FAILURES = "tributary-subscription-failures";
    /** The last refused webhook requests (a ring buffer, memory only). */
    public static final String REJECTIONS = "tributary-rejections";

    private DurableMaps() {
    }
}
