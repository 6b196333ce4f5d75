package io.tributary.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.map.MapStore;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes the subscriptions map through to {@code tributary_subscription} (a {@code set} returns once the
 * row is committed) and loads it whole at start: subscriptions are few, and every event is matched
 * against all of them. The definition is the subscription's JSON, secrets included: never logged.
 */
final class SubscriptionMapStore implements MapStore<String, String> {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    SubscriptionMapStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Override
    public void store(String id, String definition) {
        JsonNode s;
        try {
            s = json.readTree(definition);
        } catch (Exception e) {
            throw new IllegalStateException("subscription " + id + " is not JSON", e);
        }
        Timestamp created = at(s.path("createdAt").asText(null));
        Timestamp updated = at(s.path("updatedAt").asText(null));
        int changed = jdbc.update("UPDATE tributary_subscription SET url = ?, paused = ?, updated_at = ?, definition = ? WHERE id = ?",
                s.path("url").asText(), s.path("paused").asBoolean(), updated, definition, id);
        if (changed == 0) {
            jdbc.update("INSERT INTO tributary_subscription (id, url, paused, created_at, updated_at, definition) VALUES (?, ?, ?, ?, ?, ?)",
                    id, s.path("url").asText(), s.path("paused").asBoolean(), created, updated, definition);
        }
    }

    private static Timestamp at(String instant) {
        return Timestamp.from(instant == null ? Instant.now() : Instant.parse(instant));
    }

    @Override
    public void storeAll(Map<String, String> entries) {
        entries.forEach(this::store);
    }

    @Override
    public void delete(String id) {
        jdbc.update("DELETE FROM tributary_subscription WHERE id = ?", id);
    }

    @Override
    public void deleteAll(Collection<String> ids) {
        ids.forEach(this::delete);
    }

    @Override
    public String load(String id) {
        List<String> found = jdbc.queryForList("SELECT definition FROM tributary_subscription WHERE id = ?", String.class, id);
        return found.isEmpty() ? null : found.get(0);
    }

    @Override
    public Map<String, String> loadAll(Collection<String> ids) {
        Map<String, String> found = new HashMap<>();
        for (String id : ids) {
            String definition = load(id);
            if (definition != null) {
                found.put(id, definition);
            }
        }
        return found;
    }

    @Override
    public Iterable<String> loadAllKeys() {
        return jdbc.queryForList("SELECT id FROM tributary_subscription", String.class);
    }
}
