package io.tributary.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Accepted events and quarantined payloads, in Hazelcast maps shared by the cluster. Values are kept
 * as JSON text: compact, readable in any tool, and one column in the database behind these maps.
 * Events are written by the {@link Journal}; a new one goes only to the database, and the map loads
 * it when it is read. Quarantine entries are written through by the map.
 */
public final class EventStore {

    /**
     * Exchange variable: the {@link Journal.Row}s to store in the same transaction as the event being
     * accepted (its deliveries, planned by the step before).
     */
    public static final String ROWS_WITH_EVENT = "tributaryRowsWithEvent";

    private final IMap<String, String> events;
    private final IMap<String, String> quarantine;
    private final Journal journal;
    private final ObjectMapper json;

    public EventStore(IMap<String, String> events, IMap<String, String> quarantine, Journal journal, ObjectMapper json) {
        this.events = events;
        this.quarantine = quarantine;
        this.journal = journal;
        this.json = json;
    }

    public void save(StoredEvent event) {
        String value = write(event);
        journal.write(List.of(new Journal.Row(DurableMaps.EVENTS, event.id(), value)));
        events.set(event.id(), value);
    }

    /**
     * Stores an event unless one with its id is stored already (a provider's retry arriving after the
     * dedup window's memory was lost to a restart), and with it {@code with}, in one transaction. The
     * database answers whether the id is new: nothing is read before the insert.
     *
     * <p>The new event is not put into memory: the fan-out hands it to its deliveries, and the map
     * loads it from the database when it is asked for (the API, a recovered delivery). Kept out of
     * the heap, a node's events cost no garbage-collection work.
     *
     * @return whether it was new (and so stored)
     */
    public boolean saveNew(StoredEvent event, List<Journal.Row> with) {
        String value = write(event);
        return journal.insertNew(new Journal.Row(DurableMaps.EVENTS, event.id(), value), with == null ? List.of() : with);
    }

    public Optional<StoredEvent> event(String id) {
        return Optional.ofNullable(events.get(id)).map(v -> read(v, StoredEvent.class));
    }

    public void save(QuarantineEntry entry) {
        quarantine.set(entry.id(), write(entry));
    }

    public Optional<QuarantineEntry> quarantined(String id) {
        return Optional.ofNullable(quarantine.get(id)).map(v -> read(v, QuarantineEntry.class));
    }

    public void release(String quarantineId) {
        quarantine.delete(quarantineId);
    }

    /** Quarantined payloads, newest first. */
    public List<QuarantineEntry> quarantined(int limit) {
        return quarantine.values().stream()
                .map(v -> read(v, QuarantineEntry.class))
                .sorted(Comparator.comparing((QuarantineEntry q) -> q.received().receivedAt()).reversed())
                .limit(limit)
                .toList();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
