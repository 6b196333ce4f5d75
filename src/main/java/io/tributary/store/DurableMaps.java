package io.tributary.store;

/** The names of the Hazelcast maps that hold Tributary's state, and which of them are durable. */
public final class DurableMaps {

    /** Accepted events with their raw requests: loaded on demand, kept for the retention. */
    public static final String EVENTS = "tributary-events";
    /** Quarantined payloads: preloaded (listed), kept for the retention. */
    public static final String QUARANTINE = "tributary-quarantine";
    /** Subscriptions: preloaded, kept until deleted. */
    public static final String SUBSCRIPTIONS = "tributary-subscriptions";
    /** Deliveries with their attempts: preloaded (queried, recovered), kept for the retention. */
    public static final String DELIVERIES = "tributary-deliveries";
    /** Exhausted deliveries: preloaded, kept for the retention. */
    public static final String DEAD_LETTERS = "tributary-dead-letters";
    /** Consecutive failures per subscription: preloaded, kept until reset. */
    public static final String FAILURES = "tributary-subscription-failures";
    /**
     * Provider deliveries seen within the dedup window: memory only (with a backup on another member).
     * After a restart the event store itself answers a provider's retry as a duplicate.
     */
    public static final String DEDUP = "tributary-dedup";
    /** The last refused webhook requests (a ring buffer, memory only). */
    public static final String REJECTIONS = "tributary-rejections";

    private DurableMaps() {
    }
}
