package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.EventStore;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoredEvent;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.Subscriptions;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * A test event for one subscription: a real event ({@value #TYPE}, source {@value #SOURCE}), stored
 * with one delivery to that subscription alone, so it is signed, retried, dead-lettered and shown
 * with its attempts exactly as a provider's would be. No other subscription gets it.
 */
public final class TestEvents {

    public static final String TYPE = "tributary.subscription.test";
    public static final String SOURCE = "/tributary/console";

    private final EventStore store;
    private final DeliveryDispatcher dispatcher;
    private final Subscriptions subscriptions;
    private final ObjectMapper json;
    private final Clock clock;

    TestEvents(EventStore store, DeliveryDispatcher dispatcher, Subscriptions subscriptions, ObjectMapper json, Clock clock) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.subscriptions = subscriptions;
        this.json = json;
        this.clock = clock;
    }

    /** Stores a test event and its delivery to the subscription (held if it is paused); its key. */
    public String send(String subscriptionId) {
        Subscription subscription = subscriptions.get(subscriptionId);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String id = "test_" + UUID.randomUUID();
        ObjectNode data = json.createObjectNode().put("subscription", subscription.id())
                .put("message", "A test event from Tributary: if this arrived with a valid signature, the subscription works.");
        ObjectNode event = OperationalEvents.envelope(json, id, SOURCE, TYPE, subscription.id(), now, now, data);
        ReceivedPayload received = new ReceivedPayload("tributary", "console", null, now, Map.of(), event.toString());
        store.saveNew(new StoredEvent(id, event, received), dispatcher.planFor(id, event, subscription));
        return id;
    }
}
