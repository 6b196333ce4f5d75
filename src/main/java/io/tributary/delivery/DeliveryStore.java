package io.tributary.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import io.tributary.store.DurableMaps;
import io.tributary.store.Journal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Deliveries, dead letters and each subscription's run of consecutive failures, in Hazelcast maps
 * shared by the cluster. Deliveries change on every attempt, so they are written by the
 * {@link Journal} (group commit) before they are put into memory; the rest are written through.
 * Deliveries and dead letters are JSON values, so they can be queried by
 * field ({@code eventId}, {@code subscriptionId}, {@code held}) where they live.
 */
public final class DeliveryStore {

    private final IMap<String, HazelcastJsonValue> deliveries;
    private final IMap<String, HazelcastJsonValue> deadLetters;
    private final IMap<String, Integer> failures;
    private final Journal journal;
    private final ObjectMapper json;

    DeliveryStore(IMap<String, HazelcastJsonValue> deliveries, IMap<String, HazelcastJsonValue> deadLetters,
                  IMap<String, Integer> failures, Journal journal, ObjectMapper json) {
        this.deliveries = deliveries;
        this.deadLetters = deadLetters;
        this.failures = failures;
        this.journal = journal;
        this.json = json;
        deliveries.addIndex(com.hazelcast.config.IndexType.HASH, "eventId");
        deliveries.addIndex(com.hazelcast.config.IndexType.HASH, "subscriptionId");
        deliveries.addIndex(com.hazelcast.config.IndexType.HASH, "status");
    }

    /** Writes a delivery's new state: durable (through the journal) before it is put into memory. */
    void save(Delivery delivery) {
        saveAll(List.of(delivery));
    }

    /**
     * Writes a delivery's new state without waiting: the future completes once it is durable and in
     * memory. The map update runs on {@code executor}, never on the journal's thread, whose every
     * moment goes to the next commit.
     */
    java.util.concurrent.CompletableFuture<Void> saveAsync(Delivery delivery, java.util.concurrent.Executor executor) {
        List<Journal.Row> rows = rows(List.of(delivery));
        return journal.append(rows).thenRunAsync(() -> remember(rows), executor);
    }

    /** Writes deliveries in one transaction, then puts them into memory. */
    void saveAll(List<Delivery> all) {
        List<Journal.Row> rows = rows(all);
        journal.write(rows);
        remember(rows);
    }

    /** The rows that store these deliveries, for a transaction of the caller's (a new event's). */
    List<Journal.Row> rows(List<Delivery> all) {
        return all.stream().map(d -> new Journal.Row(DurableMaps.DELIVERIES, d.id(), write(d).getValue())).toList();
    }

    /** Puts deliveries whose rows are committed into memory. */
    void remember(List<Journal.Row> rows) {
        // One set each: in the pipeline benchmark setAll cost about 1 ms even for one entry.
        rows.forEach(row -> deliveries.set(row.key(), new HazelcastJsonValue(row.value())));
    }

    Optional<Delivery> delivery(String id) {
        return Optional.ofNullable(deliveries.get(id)).map(v -> read(v, Delivery.class));
    }

    public List<Delivery> forEvent(String eventId) {
        return query(deliveries, Predicates.equal("eventId", eventId), Delivery.class).stream()
                .sorted(Comparator.comparing(Delivery::subscriptionId)).toList();
    }

    /**
     * The deliveries waiting for a subscription, held while it was paused or waiting for a retry, in
     * the order their events arrived.
     */
    List<Delivery> waiting(String subscriptionId) {
        return query(deliveries, Predicates.and(Predicates.equal("subscriptionId", subscriptionId),
                Predicates.or(Predicates.equal("held", true), Predicates.equal("status", DeliveryStatus.RETRY_SCHEDULED.name()))),
                Delivery.class).stream()
                .sorted(Comparator.comparing(Delivery::createdAt).thenComparing(Delivery::id)).toList();
    }

    /** Unsettled, not held, owned by this member's partitions, queued by a member not in {@code live}. */
    List<Delivery> orphans(java.util.Set<String> live) {
        Predicate<String, HazelcastJsonValue> unsettled = Predicates.and(
                Predicates.in("status", DeliveryStatus.PENDING.name(), DeliveryStatus.SENDING.name(), DeliveryStatus.RETRY_SCHEDULED.name()),
                Predicates.equal("held", false),
                Predicates.not(Predicates.in("owner", live.toArray(String[]::new))));
        return deliveries.getAll(deliveries.localKeySet(unsettled)).values().stream().map(v -> read(v, Delivery.class)).toList();
    }

    void saveDeadLetter(DeadLetter deadLetter) {
        deadLetters.set(deadLetter.id(), write(deadLetter));
    }

    public Optional<DeadLetter> deadLetter(String id) {
        return Optional.ofNullable(deadLetters.get(id)).map(v -> read(v, DeadLetter.class));
    }

    /** Dead letters, newest first; of one subscription when {@code subscriptionId} is given. */
    public List<DeadLetter> deadLetters(String subscriptionId, int limit) {
        Predicate<String, HazelcastJsonValue> which = subscriptionId == null ? Predicates.alwaysTrue()
                : Predicates.equal("subscriptionId", subscriptionId);
        return query(deadLetters, which, DeadLetter.class).stream()
                .sorted(Comparator.comparing(DeadLetter::deadAt).reversed()).limit(limit).toList();
    }

    void removeDeadLetter(String id) {
        deadLetters.delete(id);
    }

    /** Counts one more failure in a row for the subscription; the new count. */
    int failed(String subscriptionId) {
        return failures.merge(subscriptionId, 1, Integer::sum);
    }

    void succeeded(String subscriptionId) {
        if (failures.containsKey(subscriptionId)) {
            failures.delete(subscriptionId);
        }
    }

    private <T> List<T> query(IMap<String, HazelcastJsonValue> map, Predicate<String, HazelcastJsonValue> predicate, Class<T> type) {
        return map.values(predicate).stream().map(v -> read(v, type)).toList();
    }

    private HazelcastJsonValue write(Object value) {
        try {
            return new HazelcastJsonValue(json.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(HazelcastJsonValue value, Class<T> type) {
        try {
            return json.readValue(value.getValue(), type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
