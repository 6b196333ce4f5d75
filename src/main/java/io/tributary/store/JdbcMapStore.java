package io.tributary.store;

import com.hazelcast.map.MapStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Writes one Hazelcast map through to the {@code tributary_entry} table (write-through: a
 * {@code set} returns only once the row is committed), and loads it back after a restart. The maps
 * the {@link Journal} writes (events, deliveries) use only its loading half.
 *
 * <p>Only a key's partition owner writes it, so an update-else-insert needs no lock and works the
 * same on H2 and PostgreSQL.
 *
 * @param <V> the map's value type, kept as text
 */
final class JdbcMapStore<V> implements MapStore<String, V> {

    private static final int CHUNK = 500;

    private final DataSource dataSource;
    private final String map;
    private final Function<V, String> write;
    private final Function<String, V> read;
    private final boolean preload;
    private final Duration retention;
    private final Clock clock;

    /**
     * @param preload   load every retained entry at start (maps that are queried); otherwise entries
     *                  are loaded when a key is asked for
     * @param retention entries older than this are not loaded (and are purged by {@link RetentionPurge})
     */
    JdbcMapStore(DataSource dataSource, String map, Function<V, String> write, Function<String, V> read,
                 boolean preload, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.map = map;
        this.write = write;
        this.read = read;
        this.preload = preload;
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void store(String key, V value) {
        storeAll(Map.of(key, value));
    }

    @Override
    public void storeAll(Map<String, V> entries) {
        Timestamp now = Timestamp.from(clock.instant());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE tributary_entry SET entry_value = ?, updated_at = ? WHERE map_name = ? AND entry_key = ?");
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO tributary_entry (map_name, entry_key, entry_value, updated_at) VALUES (?, ?, ?, ?)")) {
                for (Map.Entry<String, V> e : entries.entrySet()) {
                    String value = write.apply(e.getValue());
                    update.setString(1, value);
                    update.setTimestamp(2, now);
                    update.setString(3, map);
                    update.setString(4, e.getKey());
                    if (update.executeUpdate() == 0) {
                        insert.setString(1, map);
                        insert.setString(2, e.getKey());
                        insert.setString(3, value);
                        insert.setTimestamp(4, now);
                        insert.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not write " + entries.size() + " entries of " + map, e);
        }
    }

    @Override
    public void delete(String key) {
        deleteAll(List.of(key));
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM tributary_entry WHERE map_name = ? AND entry_key = ?")) {
            for (String key : keys) {
                delete.setString(1, map);
                delete.setString(2, key);
                delete.addBatch();
            }
            delete.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete entries of " + map, e);
        }
    }

    @Override
    public V load(String key) {
        return loadAll(List.of(key)).get(key);
    }

    @Override
    public Map<String, V> loadAll(Collection<String> keys) {
        Map<String, V> found = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        try (Connection c = dataSource.getConnection()) {
            for (int from = 0; from < all.size(); from += CHUNK) {
                List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
                String marks = String.join(",", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement select = c.prepareStatement("SELECT entry_key, entry_value FROM tributary_entry"
                        + " WHERE map_name = ? AND entry_key IN (" + marks + ")")) {
                    select.setString(1, map);
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(i + 2, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            found.put(rows.getString(1), read.apply(rows.getString(2)));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not load entries of " + map, e);
        }
        return found;
    }

    /** The retained keys for a map that is preloaded; none (load on demand) otherwise. */
    @Override
    public Iterable<String> loadAllKeys() {
        if (!preload) {
            return null;
        }
        List<String> keys = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement select = c.prepareStatement(
                     "SELECT entry_key FROM tributary_entry WHERE map_name = ? AND updated_at >= ?")) {
            select.setString(1, map);
            select.setTimestamp(2, Timestamp.from(clock.instant().minus(retention)));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not list entries of " + map, e);
        }
        return keys;
    }
}
