package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.tracing.TraceContext;
import io.tributary.store.Companions;
import io.tributary.store.EventStore;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.system.ProblemException;
import io.tributary.system.Tracing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Who works on which delivery. A delivery is worked on by the member holding its lease in the store;
 * this class takes leases (a new event's deliveries, at their event's commit; anything due that nobody
 * works on, at every recovery pass; a resume; a replay) and puts what it took on the delivery route's
 * queue. Everything it holds is in {@link InFlight} from just before the lease commits.
 */
public final class DeliveryDispatcher {

    /**
     * The delivery queues, {@code seda:deliveries-0} to {@code -3} (routes/delivery.camel.yaml), each
     * with one consumer. A subscription always uses the same queue, so its deliveries reach it in the
     * order they were queued; four queues let four subscriptions be served at once.
     */
    static final int QUEUES = 4;
    /** Deliveries claimed per query of a recovery pass. */
    private static final int BATCH = 500;
    /** Queries per pass: a pass takes at most this many batches, the next pass goes on. */
    private static final int ROUNDS = 20;

    private final SubscriptionRegistry registry;
    private final DeliveryStore store;
    private final InFlight inFlight;
    private final ProducerTemplate template;
    private final DeliveryFailures failures;
    private final String member;
    private final Supplier<Set<String>> liveMembers;
    private final Duration lease;
    private final Tracing tracing;
    private final Clock clock;

    /**
     * @param member      this cluster member's id, recorded as the owner of the leases it takes
     * @param liveMembers the ids of the cluster's members now: a lease held by any other is taken over
     */
    DeliveryDispatcher(SubscriptionRegistry registry, DeliveryStore store, InFlight inFlight, ProducerTemplate template,
                       DeliveryFailures failures, String member, Supplier<Set<String>> liveMembers, Duration lease, Tracing tracing,
                       Clock clock) {
        this.registry = registry;
        this.store = store;
        this.inFlight = inFlight;
        this.template = template;
        this.failures = failures;
        this.member = member;
        this.liveMembers = liveMembers;
        this.lease = lease;
        this.tracing = tracing;
        this.clock = clock;
    }

    /**
     * The webhook route's step before the event is stored: one delivery per matching subscription (held
     * while the subscription is paused; marked when its filter has yet to decide), handed to the event's transaction ({@link EventStore#WITH_EVENT}),
     * so an accepted event never exists without its deliveries. Once that transaction commits, the
     * deliveries are queued. A {@code null} event (a quarantined payload) plans nothing.
     *
     * <p>Named apart from the {@code plan} methods Java calls: Camel's bean binding resolves an
     * overloaded name again on every exchange, parsing the route's parameter list each time (about a
     * twentieth of a webhook request thread's CPU, JFR).
     */
    public void planOne(String eventKey, ObjectNode event, Exchange exchange) {
        if (event != null) {
            exchange.setVariable(EventStore.WITH_EVENT, plan(eventKey, event));
        }
    }

    /**
     * The deliveries of each of a batch's new events, handed to the batch's transaction
     * ({@link EventStore#WITH_EVENTS}).
     *
     * @param events stored key to canonical event
     */
    public void planAll(Map<String, ObjectNode> events, Exchange exchange) {
        Map<String, Companions> planned = new HashMap<>();
        if (events != null) {
            events.forEach((key, event) -> planned.put(key, plan(key, event)));
        }
        exchange.setVariable(EventStore.WITH_EVENTS, planned);
    }

    /** {@link #plan(String, ObjectNode)} of an event stored under its own id. */
    public Companions plan(ObjectNode event) {
        return plan(event.path("id").asText(), event);
    }

    /**
     * One delivery per matching subscription, as statements for the event's transaction; leased to this
     * member, and in flight here from now on, so its lease is renewed from the moment it commits.
     *
     * @param eventKey the key the event is stored under (the webhook route's is namespaced by its source)
     */
    public Companions plan(String eventKey, ObjectNode event) {
        return plan(eventKey, event, registry.matching(event));
    }

    /**
     * One delivery of the event to one subscription, whatever its types and filter say (a test event
     * the console sends); held while it is paused, as any other.
     */
    public Companions planFor(String eventKey, ObjectNode event, Subscription subscription) {
        return plan(eventKey, event, List.of(new SubscriptionRegistry.Match(subscription, false)));
    }

    /**
     * The deliveries of a new revision of a kept event (a re-normalizing replay changed it), to the
     * subscriptions that take it as it is now; each a delivery of its own, sent under the event's key.
     */
    public Companions planRevision(String eventKey, ObjectNode event, int revision) {
        return plan(eventKey, event, registry.matching(event), revision);
    }

    private Companions plan(String eventKey, ObjectNode event, List<SubscriptionRegistry.Match> matches) {
        return plan(eventKey, event, matches, 1);
    }

    private Companions plan(String eventKey, ObjectNode event, List<SubscriptionRegistry.Match> matches, int revision) {
        String eventId = eventKey;
        Instant now = clock.instant();
        if (matches.isEmpty()) {
            return Companions.NONE;
        }
        List<Delivery> planned = new ArrayList<>(matches.size());
        for (SubscriptionRegistry.Match m : matches) {
            planned.add(Delivery.pending(eventId, m.subscription().id(), revision, m.subscription().paused(), m.filterPending(), now));
        }
        List<Delivery> active = planned.stream().filter(d -> !d.held()).toList();
        TraceContext trace = tracing.current();
        active.forEach(d -> inFlight.put(d, event, trace));
        return new Companions(store.inserts(planned, member, leaseFrom(now)), committed -> {
            if (committed) {
                active.forEach(this::send);
            } else {
                active.forEach(inFlight::remove);
            }
        });
    }

    /** Puts a delivery this member holds on its queue. */
    private void send(Delivery delivery) {
        template.sendBody("seda:deliveries-" + Math.floorMod(delivery.subscriptionId().hashCode(), QUEUES),
                new DeliveryJob(delivery.id(), delivery.claim()));
    }

    /**
     * One recovery pass: renews the leases of what this member works on, takes back what it holds in the
     * store but dropped on the way (a request that failed after its commit, an outcome that could not be
     * saved), and takes whatever is due that nobody works on (released retries now due, leases that
     * expired, members that are gone). Every unsettled delivery is so worked on again within one
     * {@code recovery-interval} of being dropped, or of its lease's end.
     *
     * @return how many deliveries it took
     */
    public synchronized int recover() {
        Set<String> live = liveMembers.get();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant until = leaseFrom(now);
        store.renew(member, inFlight.ids(), until);
        int taken = take(store.unrenewed(member, until, BATCH).stream().filter(d -> !inFlight.holds(d.id())).toList(), until);
        return taken + takeDue(now, live, null, until);
    }

    /** Takes what is due and unclaimed (of one subscription, or all when null), a batch at a time, up to {@link #ROUNDS}. */
    private int takeDue(Instant now, Set<String> live, String subscriptionId, Instant until) {
        int taken = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<Delivery> due = store.claimable(now, live, subscriptionId, BATCH);
            taken += take(due, until);
            if (due.size() < BATCH) {
                break;
            }
        }
        return taken;
    }

    /**
     * Claims the candidates (in flight here before the claim commits) and queues those claimed, oldest
     * first. Callers hold this object's lock: two takes of one delivery at once would both put the
     * same claim in flight, and the loser's clean-up would remove the winner's.
     */
    private int take(List<Delivery> candidates, Instant until) {
        if (candidates.isEmpty()) {
            return 0;
        }
        List<Delivery> next = candidates.stream().map(Delivery::claimedAgain).toList();
        next.forEach(d -> inFlight.put(d, null));
        List<Delivery> claimed;
        try {
            claimed = store.claim(candidates, member, until);
        } catch (RuntimeException e) {
            next.forEach(inFlight::remove);
            throw e;
        }
        Set<String> won = new HashSet<>();
        claimed.forEach(d -> won.add(d.id()));
        next.stream().filter(d -> !won.contains(d.id())).forEach(inFlight::remove);
        claimed.stream().sorted(Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::id)).forEach(this::send);
        return claimed.size();
    }

    /**
     * After a resume: every delivery waiting for the subscription (held, or a retry parked in the
     * store) goes out now, in the order its event arrived. A retry waiting in memory goes at its time.
     */
    public synchronized int releaseHeld(String subscriptionId) {
        failures.succeeded(subscriptionId); // a resume starts a new run of failures
        Set<String> live = liveMembers.get();
        Instant now = clock.instant();
        int released = store.release(subscriptionId, now);
        return Math.max(released, takeDue(now, live, subscriptionId, leaseFrom(now)));
    }

    /**
     * At start: what was held for a pause that no longer is goes out at the next take. Configuration
     * wins over a pause made through the API, so a declared subscription paused by hand is unpaused
     * by a restart, and its held deliveries would otherwise wait for a resume nobody knows to make.
     *
     * @return how many deliveries it released
     */
    public int releaseUnpaused() {
        Instant now = clock.instant();
        int released = 0;
        for (var subscription : registry.all()) {
            if (!subscription.paused()) {
                released += store.releasePauseHeld(subscription.id(), now);
            }
        }
        return released;
    }

    /** Sends a dead-lettered delivery again from the start of the retry schedule. */
    public Delivery replayDeadLetter(String id) {
        Instant now = clock.instant();
        Delivery[] held = new Delivery[1];
        Delivery fresh;
        try {
            fresh = store.replay(id, member, now, leaseFrom(now), d -> {
                held[0] = d;
                inFlight.put(d, null);
            }).orElse(null);
        } catch (RuntimeException e) {
            if (held[0] != null) {
                inFlight.remove(held[0]);
            }
            throw e;
        }
        if (fresh == null) {
            if (held[0] != null) {
                inFlight.remove(held[0]);
            }
            throw ProblemException.notFound("No dead letter '" + id + "'.");
        }
        send(fresh);
        return fresh;
    }

    /** Replays every dead letter of one subscription, oldest first. */
    public int replayDeadLetters(String subscriptionId, int limit) {
        List<String> ids = store.deadLetterIds(subscriptionId, limit);
        int replayed = 0;
        for (int i = ids.size() - 1; i >= 0; i--) {
            try {
                replayDeadLetter(ids.get(i));
                replayed++;
            } catch (ProblemException gone) {
                // replayed meanwhile by someone else
            }
        }
        return replayed;
    }

    private Instant leaseFrom(Instant now) {
        return now.truncatedTo(ChronoUnit.MILLIS).plus(lease);
    }
}
