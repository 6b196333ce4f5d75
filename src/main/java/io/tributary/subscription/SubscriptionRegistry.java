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
import io.tributary.system.JsonataExpression;
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
 */
public final class SubscriptionRegistry {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionRegistry.class);

    private final IMap<String, String> map;
    private final ObjectMapper json;
    private final Map<String, Compiled> compiled = new ConcurrentHashMap<>();

    public SubscriptionRegistry(IMap<String, String> map, ObjectMapper json) {
        this.map = map;
        this.json = json;
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

    /** The subscriptions whose types, providers, tenants and filter all accept the event, paused ones included. */
    public List<Subscription> matching(ObjectNode event) {
        Collection<Compiled> all = compiled.values();
        return all.stream().filter(c -> c.matches(event)).map(Compiled::subscription).toList();
    }

    private Compiled compile(Subscription s) {
        JsonataExpression filter = s.filter() == null || s.filter().isBlank() ? null : new JsonataExpression(s.filter());
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

    /** A subscription ready to match: its filter parsed once, evaluated one copy per thread. */
    private record Compiled(Subscription subscription, JsonataExpression filter) {

        boolean matches(ObjectNode event) {
            return matchesType(event.path("type").asText())
                    && (subscription.providers().isEmpty() || subscription.providers().contains(event.path("provider").asText()))
                    && (subscription.tenants().isEmpty() || subscription.tenants().contains(event.path("tenant").asText()))
                    && matchesFilter(event);
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

        private boolean matchesFilter(ObjectNode event) {
            if (filter == null) {
                return true;
            }
            try {
                JsonNode result = filter.evaluate(event, Map.of());
                return result.isBoolean() && result.booleanValue();
            } catch (Exception e) {
                log.debug("filter of {} failed on {}: {}", subscription.id(), event.path("id").asText(), e.getMessage());
                return false;
            }
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
