package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.store.ReceivedPayload;
import io.tributary.store.StoreUnavailable;
import io.tributary.store.StoredEvent;
import io.tributary.store.UnmappedEvent;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.Sha256;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * What Tributary itself has to say, as canonical events from source {@value #SOURCE}: stored and
 * delivered like a provider's (signed, retried, dead-lettered), to the subscriptions whose types name
 * them ({@code tributary.*} or the type itself; a subscription to every type does not get them).
 * <ul>
 *   <li>{@value #UNMAPPED}: a provider event name seen unmapped for the first time (drift);</li>
 *   <li>{@value #PAUSED}: a subscription paused, by its failures, a 410 or an operator;</li>
 *   <li>{@value #EXHAUSTED}: a delivery that spent its retries and went to the dead letters. None is
 *       made about an operational event's own delivery, so a failing subscriber to them cannot
 *       feed itself.</li>
 * </ul>
 * A sighting is announced from the drift table, where the quarantine's transaction counted it, under
 * an id of its provider and name: a crash before the announcement is made up by the next pass, and a
 * second member's announcement is a duplicate.
 */
public final class OperationalEvents {

    public static final String SOURCE = "/tributary";
    public static final String UNMAPPED = "tributary.mapping.unmapped";
    public static final String PAUSED = "tributary.subscription.paused";
    public static final String EXHAUSTED = "tributary.delivery.exhausted";

    private static final Logger log = LoggerFactory.getLogger(OperationalEvents.class);

    private final EventStore store;
    private final DeliveryDispatcher dispatcher;
    private final Subscriptions subscriptions;
    private final ObjectMapper json;
    private final Clock clock;

    OperationalEvents(EventStore store, DeliveryDispatcher dispatcher, Subscriptions subscriptions, ObjectMapper json, Clock clock) {
        this.subscriptions = subscriptions;
        this.store = store;
        this.dispatcher = dispatcher;
        this.json = json;
        this.clock = clock;
    }

    /** Announces the provider events first seen unmapped since the last pass. */
    @Scheduled(fixedDelayString = "${tributary.operational.announce-interval:2s}")
    public void announceUnmapped() {
        try {
            for (UnmappedEvent u : store.unannounced(100)) {
                ObjectNode data = json.createObjectNode().put("provider", u.provider()).put("providerEvent", u.providerEvent())
                        .put("firstSeen", u.firstSeen().toString());
                String id = "unmapped-" + Sha256.hex(u.id(), 12);
                ObjectNode event = envelope(json, id, SOURCE, UNMAPPED, u.provider(), u.firstSeen(), clock.instant(), data);
                Companions with = dispatcher.plan(id, event).with(store.announced(u.id(), clock.instant()));
                if (!store.saveNew(new StoredEvent(id, event, received()), with)) {
                    store.markAnnounced(u.id(), clock.instant()); // another member's pass stored it first
                }
            }
        } catch (StoreUnavailable | IllegalStateException e) {
            log.warn("unmapped events not announced now, tried again at the next pass: {}", e.getMessage());
        } catch (DataAccessException e) { // the database is down: the read of what is unannounced failed
            log.warn("unmapped events not announced now, tried again at the next pass: {}", e.getClass().getSimpleName());
        }
    }

    /**
     * Pauses a subscription and, if it was not paused already, says so; {@code reason}: {@code failing},
     * {@code gone} or {@code manual}.
     *
     * @return the subscription as paused
     */
    public Subscription pause(String subscriptionId, String reason) {
        boolean was = subscriptions.get(subscriptionId).paused();
        Subscription paused = subscriptions.pause(subscriptionId, reason);
        if (!was) {
            paused(subscriptionId, reason);
        }
        return paused;
    }

    private void paused(String subscriptionId, String reason) {
        ObjectNode data = json.createObjectNode().put("subscription", subscriptionId).put("reason", reason);
        emit("paused-" + UUID.randomUUID(), PAUSED, subscriptionId, data);
    }

    /** A delivery went to the dead letters; nothing is said of an operational event's own. */
    void exhausted(Delivery delivery, ObjectNode event, int attempts, String reason) {
        if (event == null || event.path("type").asText().startsWith("tributary.")) {
            return;
        }
        ObjectNode data = json.createObjectNode().put("subscription", delivery.subscriptionId()).put("delivery", delivery.id())
                .put("event", delivery.eventId()).put("eventType", event.path("type").asText()).put("attempts", attempts);
        if (reason != null) {
            data.put("reason", reason);
        }
        emit("exhausted-" + Sha256.hex(delivery.id(), 12), EXHAUSTED, delivery.subscriptionId(), data);
    }

    private void emit(String id, String type, String subject, ObjectNode data) {
        try {
            ObjectNode event = envelope(json, id, SOURCE, type, subject, clock.instant(), clock.instant(), data);
            store.saveNew(new StoredEvent(id, event, received()), dispatcher.plan(id, event));
        } catch (RuntimeException e) {
            // the fact itself (the pause, the dead letter) is recorded; only its announcement is missed
            log.warn("operational event {} not stored: {}", type, e.getMessage());
        }
    }

    /**
     * An event Tributary makes itself (an operational event, a subscription's test event): the envelope
     * every stored event has; {@code time} is when what it tells of happened, {@code recorded} when it was made.
     */
    static ObjectNode envelope(ObjectMapper json, String id, String source, String type, String subject, Instant time,
                               Instant recorded, ObjectNode data) {
        ObjectNode event = json.createObjectNode()
                .put("specversion", "1.0")
                .put("id", id)
                .put("source", source)
                .put("type", type)
                .put("subject", subject)
                .put("time", time.truncatedTo(ChronoUnit.MILLIS).toString())
                .put("datacontenttype", "application/json")
                .put("provider", "tributary")
                .put("recordedtime", recorded.truncatedTo(ChronoUnit.MILLIS).toString());
        event.set("data", data);
        return event;
    }

    private ReceivedPayload received() {
        return new ReceivedPayload("tributary", "tributary", null, clock.instant().truncatedTo(ChronoUnit.MILLIS), Map.of(), "{}");
    }

}
