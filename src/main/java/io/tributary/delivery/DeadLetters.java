package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionRegistry;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of Camel's dead-letter channel: the attempt that spent a delivery's schedule, the delivery
 * marked exhausted and its dead letter (with the subscription as it was, secrets left out) are
 * written in one transaction. An exchange that reaches the channel without a spent schedule (a retry
 * refused while Camel stops, an error in the worker) lets go of its delivery; the next recovery pass
 * takes it up again from its last recorded state.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** The redelivery policy's {@code retryWhile}: only a {@link RetryLater} is tried again. */
    static final Predicate RETRY_LATER = exchange -> exchange.getException(RetryLater.class) != null
            || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof RetryLater; // where the handler keeps it

    private final DeliveryStore store;
    private final InFlight inFlight;
    private final SubscriptionRegistry registry;
    private final DeliveryMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    DeadLetters(DeliveryStore store, InFlight inFlight, SubscriptionRegistry registry, DeliveryMetrics metrics, ObjectMapper json,
                Clock clock) {
        this.store = store;
        this.inFlight = inFlight;
        this.registry = registry;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    public void store(DeliveryJob job) {
        InFlight.Work work = inFlight.get(job);
        if (work == null) {
            return;
        }
        Delivery delivery = work.delivery();
        try {
            if (work.lastTry() == null) {
                return; // not spent: taken up again by a recovery pass
            }
            Instant now = clock.instant();
            ObjectNode subscription = registry.find(delivery.subscriptionId()).map(this::withoutSecrets).orElse(null);
            DeadLetter deadLetter = new DeadLetter(delivery.id(), delivery.subscriptionId(), delivery.eventId(), now,
                    work.deadAlone(), null, null, subscription);
            store.recordAndWait(delivery.attempted(DeliveryStatus.EXHAUSTED, false, null), work.lastTry(), deadLetter, now);
            metrics.exhausted(delivery.subscriptionId());
            log.warn("delivery {} exhausted after {} attempts: dead-lettered", delivery.id(), delivery.attemptCount() + 1);
        } finally {
            inFlight.remove(delivery);
        }
    }

    private ObjectNode withoutSecrets(Subscription subscription) {
        ObjectNode view = json.valueToTree(subscription);
        view.remove("secrets");
        return view;
    }
}
