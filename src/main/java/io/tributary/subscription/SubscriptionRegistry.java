package io.tributary.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.system.CpuClock;
import io.tributary.system.JsonataBudget;
import io.tributary.system.JsonataBudgetExceeded;
import io.tributary.system.JsonataExpression;
import io.tributary.system.LogKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every subscription, kept in a Hazelcast map shared by the cluster, with a local compiled copy
 * (type patterns, parsed filter) that an entry listener keeps current: matching an event reads no
 * map and parses nothing.
 *
 * <p>A filter is first tried while the webhook request waits (an accepted event's deliveries are
 * stored with it, and a filter that says no saves a delivery), but only within {@code filterTimePerEvent}
 * of CPU for all the filters of one event together. A filter that does not answer in that time, or
 * fails, is not decided there: its subscription gets a delivery marked {@link Match#filterPending()},
 * which runs the filter itself under the full {@link JsonataBudget} before it is sent
 * ({@link #decide}), so a slow filter delays neither the webhook nor any other subscriber. One that was
 * too slow is not tried at ingest again for {@link #SLOW_FOR}, unless a delivery finds it quick
 * meanwhile. A filter that fails or goes over its budget there holds its delivery with the reason
 * ({@link Decision#holdReason()}), counted in {@code tributary.filter.failures}: never a silent drop.
 */
public final class SubscriptionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    /** Held deliveries' reasons are cut to this length (the column holds 512). */
    private static final int MAX_REASON = 500;
    /** How long a filter too slow for the webhook's wait is left to the deliveries. */
    static final Duration SLOW_FOR = Duration.ofMinutes(1);

    private final IMap<String, String> map;
    private final ObjectMapper json;
    private final JsonataBudget budget;
    private final Duration filterTimePerEvent;
    private final MeterRegistry meters;
    /** CPU time the filters of one event spent while its webhook waited. */
    private final Timer ingestTime;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    /**
     * @param budget             what one evaluation of a filter may spend
     * @param filterTimePerEvent CPU time all the filters of one event may spend together
     */
    public SubscriptionRegistry(IMap<String, String> map, ObjectMapper json, JsonataBudget budget, Duration filterTimePerEvent,
                                MeterRegistry meters) {
        this.map = map;
        this.json = json;
        this.budget = budget;
        this.filterTimePerEvent = filterTimePerEvent;
        this.meters = meters;
        this.ingestTime = Timer.builder("tributary.filter.ingest.cpu")
                .description("CPU time the filters of one event spent while its webhook waited (at most filter-time-per-event)")
                .register(meters);
        map.addEntryListener(new Listener(), true);
        map.forEach((id, value) -> compiled.put(id, compile(read(value))));
    }

    public void save(Subscription subscription) {
        map.set(subscription.id(), write(subscription));
        compiled.put(subscription.id(), compile(subscription)); // visible at once on this node
    }

    public Optional<Subscription> find(String id) {
        return Optional.ofNullable(map.get(id)).map(this::read);
    }

    /**
     * The subscription as this member last saw it, without a map read: for the hot delivery path,
     * where a change (a pause, say) arriving a moment later is seen by the next attempt.
     */
    public Optional<Subscription> current(String id) {
        Compiled c = compiled.get(id);
        return c != null ? Optional.of(c.subscription()) : find(id);
    }

    public boolean delete(String id) {
        compiled.remove(id);
        return map.remove(id) != null;
    }

    /** All subscriptions, oldest first. */
    public List<Subscription> all() {
        return map.values().stream().map(this::read)
                .sorted(Comparator.comparing(Subscription::createdAt).thenComparing(Subscription::id)).toList();
    }

    /**
     * A subscription that gets a delivery of an event: its filter accepted the event, or has yet to decide.
     *
     * @param filterPending the filter did not answer while the webhook waited: the delivery runs it ({@link #decide})
     */
    public record Match(Subscription subscription, boolean filterPending) {
    }

    /**
     * What a subscription's filter, run by a delivery, says of its event.
     *
     * @param send       the event goes out (the filter accepted it, or the subscription no longer has one)
     * @param holdReason why the delivery is held instead (the filter failed or went over its budget), or null
     */
    public record Decision(boolean send, String holdReason) {
        static final Decision SEND = new Decision(true, null);
        static final Decision SKIP = new Decision(false, null);
    }

    /**
     * The subscriptions whose types, providers, tenants and filter accept the event, paused ones
     * included, and those whose filter did not answer within this event's share of filter time
     * ({@code filterTimePerEvent}, all filters together) or failed: their deliveries decide.
     */
    public List<Match> matching(ObjectNode event) {
        Collection<Compiled> all = compiled.values();
        List<Match> matches = new ArrayList<>();
        long started = CpuClock.nanos();
        long now = System.nanoTime();
        boolean ran = false;
        for (Compiled c : all) {
            if (!c.matchesAttributes(event)) {
                continue;
            }
            if (c.filter() == null) {
                matches.add(new Match(c.subscription(), false));
                continue;
            }
            long left = filterTimePerEvent.toNanos() - (CpuClock.nanos() - started);
            if (left <= 0 || now - c.slowUntil().get() < 0) {
                matches.add(deferred(c, left <= 0 ? "spent" : "slow"));
                continue;
            }
            ran = true;
            try {
                JsonNode result = c.filter().evaluateWithin(event, Map.of(), Duration.ofNanos(left));
                if (result.isBoolean() && result.booleanValue()) {
                    matches.add(new Match(c.subscription(), false));
                }
            } catch (JsonataBudgetExceeded e) {
                if (e.time()) {
                    c.slowUntil().set(now + SLOW_FOR.toNanos());
                }
                matches.add(deferred(c, e.time() ? "time" : "budget"));
            } catch (Exception e) {
                matches.add(deferred(c, "error"));
            }
        }
        if (ran) {
            ingestTime.record(CpuClock.nanos() - started, TimeUnit.NANOSECONDS);
        }
        return matches;
    }

    /** A delivery whose filter did not answer at ingest: it decides itself; counted by cause. */
    private Match deferred(Compiled c, String cause) {
        meters.counter("tributary.filter.deferred", "subscription", c.subscription().id(), "cause", cause).increment();
        return new Match(c.subscription(), true);
    }

    /**
     * Runs a subscription's filter for a delivery that has yet to decide, under the full budget, on the
     * delivery's thread. A filter that is quick here is tried at ingest again.
     */
    public Decision decide(String subscriptionId, String eventKey, ObjectNode event) {
        Compiled c = compiled.get(subscriptionId);
        if (c == null || c.filter() == null) {
            return Decision.SEND;
        }
        long started = CpuClock.nanos();
        try {
            JsonNode result = c.filter().evaluate(event, Map.of());
            if (CpuClock.nanos() - started < filterTimePerEvent.toNanos() / 2) {
                c.slowUntil().set(System.nanoTime());
            }
            return result.isBoolean() && result.booleanValue() ? Decision.SEND : Decision.SKIP;
        } catch (JsonataBudgetExceeded e) {
            return held(c, "budget", "filter over its budget: " + e.getMessage(), eventKey, event);
        } catch (Exception e) {
            return held(c, "error", "filter failed: " + e.getMessage(), eventKey, event);
        }
    }

    /**
     * A delivery held because the filter could not tell; counted. The log names the cause only: the
     * reason, kept with the delivery, may quote a value of the event.
     */
    private Decision held(Compiled c, String cause, String reason, String eventKey, ObjectNode event) {
        String id = c.subscription().id();
        meters.counter("tributary.filter.failures", "subscription", id, "cause", cause).increment();
        LogKeys.about(log.atWarn(), eventKey, event.path("source").asText(null), id).log("delivery of {} to {} held: its filter {}",
                eventKey, id,
                "budget".equals(cause) ? "went over its budget" : "failed");
        return new Decision(false, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
    }

    /** What one evaluation of a filter may spend. */
    public JsonataBudget budget() {
        return budget;
    }

    private Compiled compile(Subscription s) {
        JsonataExpression filter = s.filter() == null || s.filter().isBlank() ? null : new JsonataExpression(s.filter(), budget);
        return new Compiled(s, filter, new AtomicLong(System.nanoTime()));
    }

    private String write(Subscription s) {
        try {
            return json.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Subscription read(String value) {
        try {
            return json.readValue(value, Subscription.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A subscription ready to match: its filter parsed once, evaluated one copy per thread ({@link JsonataExpression}).
     *
     * @param slowUntil until when ({@link System#nanoTime()}) the filter is too slow to try at ingest
     */
    private record Compiled(Subscription subscription, JsonataExpression filter, AtomicLong slowUntil) {

        boolean matchesAttributes(ObjectNode event) {
            return subscription.matchesAttributes(event);
        }
    }

    private final class Listener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryRemovedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            compiled.put(event.getKey(), compile(read(event.getValue())));
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            compiled.put(event.getKey(), compile(read(event.getValue())));
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> event) {
            compiled.remove(event.getKey());
        }
    }
}
