package io.tributary.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.IMap;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Accepted events and quarantined payloads, in Hazelcast maps shared by the cluster. Values are kept
 * as JSON text: compact, readable in any tool, and one column in the database that will back these
 * maps.
 */
public final class EventStore {

    private final IMap<String, String> events;
    private final IMap<String, String> quarantine;
    private final ObjectMapper json;

    public EventStore(IMap<String, String> events, IMap<String, String> quarantine, ObjectMapper json) {
        this.events = events;
        this.quarantine = quarantine;
        this.json = json;
    }

    public void save(StoredEvent event) {
        events.set(event.id(), write(event));
    }

    /**
     * Stores an event unless one with its id is stored already (a provider's retry arriving after the
     * dedup window's memory was lost to a restart).
     *
     * @return whether it was new
     */
    public boolean saveNew(StoredEvent event) {
        return events.putIfAbsent(event.id(), write(event)) == null;
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
