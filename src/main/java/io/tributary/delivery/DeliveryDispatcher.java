package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.EventStore;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.system.ProblemException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Turns accepted events into deliveries and puts deliveries on the delivery route's queue. A
 * delivery is written before it is queued, so one whose queue entry is lost can be found again.
 */
public final class DeliveryDispatcher {

    /**
     * The delivery queues, {@code seda:deliveries-0} to {@code -3} (routes/delivery.camel.yaml), each
     * with one consumer. A subscription always uses the same queue, so its deliveries reach it in the
     * order they were queued; four queues let four subscriptions be served at once.
     */
    static final int QUEUES = 4;

    /** Exchange variable: the deliveries {@link #plan} made for the event being accepted. */
    static final String PLANNED = "tributaryPlannedDeliveries";

    private final SubscriptionRegistry registry;
    private final DeliveryStore store;
    private final ProducerTemplate template;
    private final String member;
    private final Clock clock;

    /** @param member this cluster member's id, recorded as the owner of what it queues */
    DeliveryDispatcher(SubscriptionRegistry registry, DeliveryStore store, ProducerTemplate template, String member, Clock clock) {
        this.registry = registry;
        this.store = store;
        this.template = template;
        this.member = member;
        this.clock = clock;
    }

    /**
     * The webhook route's step before the event is stored: one delivery per matching subscription
     * (held while the subscription is paused), handed to the event's transaction as rows
     * ({@link EventStore#ROWS_WITH_EVENT}), so an accepted event never exists without its deliveries.
     * A {@code null} event (a quarantined payload) plans nothing.
     */
    public void plan(ObjectNode event, Exchange exchange) {
        if (event == null) {
            return;
        }
        List<Delivery> planned = deliveriesFor(event);
        if (!planned.isEmpty()) {
            exchange.setVariable(PLANNED, planned);
            exchange.setVariable(EventStore.ROWS_WITH_EVENT, store.rows(planned));
        }
    }

    /**
     * The webhook route's step after the event is stored: puts its planned deliveries (committed with
     * it) into memory and queues those not held. A {@code null} event (a duplicate or a quarantined
     * payload) sends nothing.
     */
    @SuppressWarnings("unchecked")
    public void dispatch(ObjectNode acceptedEvent, Exchange exchange) {
        List<Delivery> planned = exchange.getVariable(PLANNED, List.class);
        if (acceptedEvent == null || planned == null) {
            return;
        }
        store.remember(exchange.getVariable(EventStore.ROWS_WITH_EVENT, List.class));
        planned.stream().filter(d -> !d.held()).forEach(d -> send(d, acceptedEvent));
    }

    /** Plans, stores and queues the deliveries of an event stored already (a quarantined payload replayed). */
    public void fanOut(ObjectNode event) {
        List<Delivery> planned = deliveriesFor(event);
        store.saveAll(planned);
        planned.stream().filter(d -> !d.held()).forEach(d -> send(d, event));
    }

    private List<Delivery> deliveriesFor(ObjectNode event) {
        String eventId = event.path("id").asText();
        Instant now = clock.instant();
        return registry.matching(event).stream().map(s -> {
            Delivery delivery = Delivery.pending(eventId, s.id(), s.paused(), now);
            return s.paused() ? delivery : delivery.dispatched(member);
        }).toList();
    }

    /** Puts a delivery on its queue as its newest dispatch, which fences off any older one. */
    void enqueue(Delivery delivery) {
        Delivery next = delivery.dispatched(member);
        store.save(next);
        send(next, null);
    }

    private void send(Delivery delivery, ObjectNode event) {
        java.util.Map<String, Object> headers = new java.util.HashMap<>();
        headers.put(DeliveryWorker.DISPATCH, delivery.dispatch());
        if (event != null) {
            headers.put(DeliveryWorker.EVENT, event);
        }
        template.sendBodyAndHeaders("seda:deliveries-" + Math.floorMod(delivery.subscriptionId().hashCode(), QUEUES),
                delivery.id(), headers);
    }

    /**
     * After a resume: every delivery waiting for the subscription (held, or waiting for a retry) goes
     * out now, in the order its event arrived.
     */
    public int releaseHeld(String subscriptionId) {
        store.succeeded(subscriptionId); // a resume starts a new run of failures
        List<Delivery> waiting = store.waiting(subscriptionId);
        for (Delivery d : waiting) {
            enqueue(d.with(DeliveryStatus.PENDING, false, clock.instant()));
        }
        return waiting.size();
    }

    /** Sends a dead-lettered delivery again from the start of the retry schedule. */
    public Delivery replayDeadLetter(String id) {
        DeadLetter deadLetter = store.deadLetter(id)
                .orElseThrow(() -> ProblemException.notFound("No dead letter '" + id + "'."));
        Delivery delivery = store.delivery(deadLetter.id()).orElse(deadLetter.delivery());
        Delivery fresh = new Delivery(delivery.id(), delivery.eventId(), delivery.subscriptionId(), DeliveryStatus.PENDING,
                false, delivery.createdAt(), clock.instant(), List.of(), delivery.dispatch(), delivery.owner());
        store.removeDeadLetter(id);
        enqueue(fresh);
        return fresh;
    }

    /**
     * Takes over the deliveries whose owner is gone: after a restart every unsettled delivery (the old
     * process's member id died with it), in a cluster those of a lost member, once their partitions
     * have moved here. Each member looks only at the partitions it owns, so the work is split and no
     * delivery is taken twice. A delivery waiting for a retry keeps its time: the attempt waits for it.
     *
     * @return how many were queued again
     */
    public int recover(java.util.Set<String> liveMembers) {
        List<Delivery> orphans = store.orphans(liveMembers);
        orphans.stream().sorted(java.util.Comparator.comparing(Delivery::createdAt)).forEach(this::enqueue);
        return orphans.size();
    }

    /** Replays every dead letter of one subscription, oldest first. */
    public int replayDeadLetters(String subscriptionId, int limit) {
        List<DeadLetter> all = store.deadLetters(subscriptionId, limit);
        for (int i = all.size() - 1; i >= 0; i--) {
            replayDeadLetter(all.get(i).id());
        }
        return all.size();
    }
}
