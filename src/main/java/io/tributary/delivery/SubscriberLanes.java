package io.tributary.delivery;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code maxInFlight} requests in flight to one subscription; the others wait, in arrival
 * order, holding no thread. A slow or dead subscriber therefore fills only its own lane: nothing that
 * other subscriptions need is taken by it.
 */
final class SubscriberLanes {

    private final int maxInFlight;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();

    SubscriberLanes(int maxInFlight) {
        this.maxInFlight = maxInFlight;
    }

    /** Runs the send now if the subscription's lane has room, else when a send before it has finished. */
    void submit(String subscriptionId, Runnable send) {
        Lane lane = lanes.computeIfAbsent(subscriptionId, id -> new Lane());
        boolean runNow;
        synchronized (lane) {
            runNow = lane.inFlight < maxInFlight;
            if (runNow) {
                lane.inFlight++;
            } else {
                lane.waiting.add(send);
            }
        }
        if (runNow) {
            send.run();
        }
    }

    /** A send has finished: the next waiting one, if any, takes its place. */
    void release(String subscriptionId) {
        Lane lane = lanes.get(subscriptionId);
        Runnable next;
        synchronized (lane) {
            next = lane.waiting.poll();
            if (next == null) {
                lane.inFlight--;
            }
        }
        if (next != null) {
            next.run();
        }
    }

    private static final class Lane {
        int inFlight;
        final Queue<Runnable> waiting = new ArrayDeque<>();
    }
}
