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
import io.tributary.system.CpuClock;
import io.tributary.system.JsonataBudget;
import io.tributary.system.JsonataBudgetExceeded;
import io.tributary.system.JsonataExpression;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every subscription, kept in a Hazelcast map shared by the cluster, with a local compiled copy
 * (type patterns, parsed filter) that an entry listener keeps current: matching an event reads no
 * map and parses nothing.
 *
 * <p>Filters run while the webhook request waits (an accepted event's deliveries are stored with it),
 * so each runs under its {@link JsonataBudget}, and all of one event's together under
 * {@code filterTimePerEvent}. A filter that fails, goes over its budget, or is not run because the
 * event's time is spent does not drop the event: the subscription still gets its delivery, held with
 * the reason ({@link Match#holdReason()}), counted in {@code tributary.filter.failures}.
 */
public final class SubscriptionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    /** Held deliveries' reasons are cut to this length (the column holds 512). */
    private static final int MAX_REASON = 500;

    private final IMap<String, String> map;
    private final ObjectMapper json;
    private final JsonataBudget budget;
    private final Duration filterTimePerEvent;
    private final MeterRegistry meters;
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
     * A subscription that gets a delivery of an event: its filter accepted the event, or could not tell.
     *
     * @param holdReason why the delivery is held though the subscription is not paused (its filter failed,
     *                   went over its budget, or was not run), or null
     */
    public record Match(Subscription subscription, String holdReason) {
    }

    /**
     * The subscriptions whose types, providers, tenants and filter all accept the event, paused ones
     * included, and those whose filter could not tell, with the reason. The filters of one event stop
     * being run once they have spent {@code filterTimePerEvent} together.
     */
    public List<Match> matching(ObjectNode event) {
        Collection<Compiled> all = compiled.values();
        List<Match> matches = new ArrayList<>();
        long started = CpuClock.nanos();
        for (Compiled c : all) {
            if (!c.matchesAttributes(event)) {
                continue;
            }
            if (c.filter() == null) {
                matches.add(new Match(c.subscription(), null));
            } else if (CpuClock.nanos() - started > filterTimePerEvent.toNanos()) {
                matches.add(held(c, "skipped", "filter not run: this event's filters used their "
                        + filterTimePerEvent.toMillis() + " ms of CPU time", event));
            } else {
                try {
                    JsonNode result = c.filter().evaluate(event, Map.of());
                    if (result.isBoolean() && result.booleanValue()) {
                        matches.add(new Match(c.subscription(), null));
                    }
                } catch (JsonataBudgetExceeded e) {
                    matches.add(held(c, "budget", "filter over its budget: " + e.getMessage(), event));
                } catch (Exception e) {
                    matches.add(held(c, "error", "filter failed: " + e.getMessage(), event));
                }
            }
        }
        return matches;
    }

    /**
     * A delivery held because the filter could not tell; counted. The log names the cause only: the
     * reason, kept with the delivery, may quote a value of the event.
     */
    private Match held(Compiled c, String cause, String reason, ObjectNode event) {
        String id = c.subscription().id();
        meters.counter("tributary.filter.failures", "subscription", id, "cause", cause).increment();
        log.warn("delivery of {} to {} held: its filter {}", event.path("id").asText(), id,
                switch (cause) {
                    case "budget" -> "went over its budget";
                    case "skipped" -> "was not run, the event's filter time being spent";
                    default -> "failed";
                });
        return new Match(c.subscription(), reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
    }

    /** What one evaluation of a filter may spend. */
    public JsonataBudget budget() {
        return budget;
    }

    private Compiled compile(Subscription s) {
        JsonataExpression filter = s.filter() == null || s.filter().isBlank() ? null : new JsonataExpression(s.filter(), budget);
        return new Compiled(s, filter);
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

    /** A subscription ready to match: its filter parsed once, evaluated one copy per thread ({@link JsonataExpression}). */
    private record Compiled(Subscription subscription, JsonataExpression filter) {

        /** Types, providers and tenants: everything but the filter. */
        boolean matchesAttributes(ObjectNode event) {
            return matchesType(event.path("type").asText())
                    && (subscription.providers().isEmpty() || subscription.providers().contains(event.path("provider").asText()))
                    && (subscription.tenants().isEmpty() || subscription.tenants().contains(event.path("tenant").asText()));
        }

        private boolean matchesType(String type) {
            if (subscription.types().isEmpty()) {
                return true;
            }
            for (String pattern : subscription.types()) {
                if (pattern.equals("*") || pattern.equals(type)
                        || (pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                    return true;
                }
            }
            return false;
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
