package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.EventStore;
import io.tributary.store.StoredEvent;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionRegistry;
import java.time.Clock;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of Camel's dead-letter channel: an exhausted delivery kept with its event and subscription. */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** The redelivery policy's {@code retryWhile}: only a {@link RetryLater} is tried again. */
    static final Predicate RETRY_LATER = exchange -> exchange.getException(RetryLater.class) != null
            || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof RetryLater; // where the handler keeps it

    private final DeliveryStore store;
    private final EventStore events;
    private final SubscriptionRegistry registry;
    private final DeliveryMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;

    DeadLetters(DeliveryStore store, EventStore events, SubscriptionRegistry registry, DeliveryMetrics metrics,
                ObjectMapper json, Clock clock) {
        this.store = store;
        this.events = events;
        this.registry = registry;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    public void store(Exchange exchange) {
        String deliveryId = exchange.getMessage().getBody(String.class);
        Delivery delivery = store.delivery(deliveryId).orElse(null);
        if (delivery == null || delivery.status() != DeliveryStatus.EXHAUSTED) {
            return; // not spent: a retry refused during shutdown, recovered at the next start
        }
        ObjectNode event = events.event(delivery.eventId()).map(StoredEvent::event).orElse(null);
        ObjectNode subscription = registry.find(delivery.subscriptionId()).map(this::withoutSecrets).orElse(null);
        store.saveDeadLetter(new DeadLetter(delivery.id(), delivery.subscriptionId(), delivery.eventId(), clock.instant(),
                delivery, event, subscription));
        metrics.exhausted(delivery.subscriptionId());
        log.warn("delivery {} exhausted after {} attempts: dead-lettered", delivery.id(), delivery.attemptCount());
    }

    private ObjectNode withoutSecrets(Subscription subscription) {
        ObjectNode view = json.valueToTree(subscription);
        view.remove("secrets");
        return view;
    }
}
