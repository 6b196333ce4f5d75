package io.tributary.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One canonical event to one subscription, with every attempt. Its id is
 * {@code <eventId>/<subscriptionId>}: a second fan-out of the same event cannot make a second delivery.
 *
 * @param held          waiting for its subscription to be resumed
 * @param nextAttemptAt when it is due
 * @param dispatch      how often it was put on a queue; only the exchange carrying the latest number
 *                      may attempt it, so a retry still waiting from before a resume or a recovery
 *                      cannot send it a second time
 * @param owner         the cluster member that queued it last; while that member lives, no other
 *                      touches it, and when it is gone the member now owning its partition takes over
 */
public record Delivery(String id, String eventId, String subscriptionId, DeliveryStatus status, boolean held,
                       Instant createdAt, Instant nextAttemptAt, List<DeliveryAttempt> attempts, int dispatch,
                       String owner) {

    public Delivery {
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    static String idOf(String eventId, String subscriptionId) {
        return eventId + "/" + subscriptionId;
    }

    static Delivery pending(String eventId, String subscriptionId, boolean held, Instant now) {
        return new Delivery(idOf(eventId, subscriptionId), eventId, subscriptionId, DeliveryStatus.PENDING, held, now, now, List.of(), 0, null);
    }

    int attemptCount() {
        return attempts.size();
    }

    Delivery with(DeliveryStatus status, boolean held, Instant nextAttemptAt) {
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, nextAttemptAt, attempts, dispatch, owner);
    }

    /** The same delivery, put on a queue once more, by {@code member}. */
    Delivery dispatched(String member) {
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, nextAttemptAt, attempts, dispatch + 1, member);
    }

    Delivery withAttempt(DeliveryAttempt attempt, DeliveryStatus status, Instant nextAttemptAt) {
        List<DeliveryAttempt> all = new ArrayList<>(attempts);
        all.add(attempt);
        return new Delivery(id, eventId, subscriptionId, status, held, createdAt, nextAttemptAt, all, dispatch, owner);
    }
}
