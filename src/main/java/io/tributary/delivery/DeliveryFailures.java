package io.tributary.delivery;

import com.hazelcast.map.IMap;

/**
 * Each subscription's run of consecutive failed attempts, shared by the cluster in a Hazelcast map
 * (memory only, one backup): it decides when a failing subscription is paused. A full restart of the
 * cluster starts the runs again, which delays a pause and loses nothing.
 */
final class DeliveryFailures {

    private final IMap<String, Integer> failures;

    DeliveryFailures(IMap<String, Integer> failures) {
        this.failures = failures;
    }

    /** Counts one more failure in a row for the subscription; the new count. */
    int failed(String subscriptionId) {
        return failures.merge(subscriptionId, 1, Integer::sum);
    }

    /** The subscription's current run of failures: 0 after a success or a resume. */
    int current(String subscriptionId) {
        Integer run = failures.get(subscriptionId);
        return run == null ? 0 : run;
    }

    /** A success, or a resume: a new run starts. */
    void succeeded(String subscriptionId) {
        if (failures.containsKey(subscriptionId)) {
            failures.delete(subscriptionId);
        }
    }
}
