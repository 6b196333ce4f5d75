package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.tracing.TraceContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deliveries this member works on right now: queued, in an attempt, or waiting in memory for a
 * short retry. Each is here from just before its claim commits until its outcome is recorded, so the
 * member can renew exactly these leases, and anything the store says it holds that is not here was
 * dropped (a request that failed after its commit, an outcome that could not be saved) and is
 * claimed again. Memory grows with what is in flight, not with history.
 */
final class InFlight {

    /**
     * One delivery in flight.
     *
     * @param event     the canonical event, read once per claim; never logged
     * @param lastTry   the attempt that spent the schedule, waiting for the dead-letter channel to record it
     * @param deadAlone why it went to the dead letters without an attempt being recorded by the worker
     * @param trace     the trace of the webhook request that brought the event, when tracing is on and
     *                  this member accepted it; its attempts' spans join it
     */
    record Work(Delivery delivery, ObjectNode event, DeliveryAttempt lastTry, String deadAlone, TraceContext trace) {
    }

    private final ConcurrentHashMap<String, Work> work = new ConcurrentHashMap<>();

    /** The delivery's work now; the trace it was accepted in, if any, stays with it. */
    void put(Delivery delivery, ObjectNode event) {
        work.compute(delivery.id(), (id, before) -> new Work(delivery, event, null, null, before == null ? null : before.trace()));
    }

    /** A new event's delivery, in the trace of the request that accepted it (null when none). */
    void put(Delivery delivery, ObjectNode event, TraceContext trace) {
        work.put(delivery.id(), new Work(delivery, event, null, null, trace));
    }

    void put(Work w) {
        work.put(w.delivery().id(), w);
    }

    /** The work of this claim, or null when the delivery is not (or no longer, under this claim) ours. */
    Work get(DeliveryJob job) {
        Work w = work.get(job.deliveryId());
        return w != null && w.delivery().claim() == job.claim() ? w : null;
    }

    /** Forgets a delivery's work, if it is still the work of that claim. */
    void remove(Delivery delivery) {
        work.computeIfPresent(delivery.id(), (id, w) -> w.delivery().claim() == delivery.claim() ? null : w);
    }

    boolean holds(String deliveryId) {
        return work.containsKey(deliveryId);
    }

    Set<String> ids() {
        return Set.copyOf(work.keySet());
    }

    int size() {
        return work.size();
    }
}
