package io.tributary.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes rows past {@code tributary.store.retention}. Hazelcast drops the same entries from memory
 * by their time-to-live; expiry does not reach the map store, so the rows go here.
 */
public final class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    private static final List<String> PURGED = List.of(DurableMaps.EVENTS, DurableMaps.QUARANTINE,
            DurableMaps.DELIVERIES, DurableMaps.DEAD_LETTERS);

    private final DataSource dataSource;
    private final Duration retention;
    private final Clock clock;

    RetentionPurge(DataSource dataSource, Duration retention, Clock clock) {
        this.dataSource = dataSource;
        this.retention = retention;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${tributary.store.purge-every:1h}", initialDelayString = "${tributary.store.purge-every:1h}")
    public void scheduled() {
        purge();
    }

    /** @return rows deleted */
    public int purge() {
        Timestamp before = Timestamp.from(clock.instant().minus(retention));
        int deleted = 0;
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM tributary_entry WHERE map_name = ? AND updated_at < ?")) {
            for (String map : PURGED) {
                delete.setString(1, map);
                delete.setTimestamp(2, before);
                deleted += delete.executeUpdate();
            }
        } catch (SQLException e) {
            log.warn("retention purge failed: {}", e.getMessage());
            return 0;
        }
        if (deleted > 0) {
            log.info("retention: deleted {} rows older than {}", deleted, retention);
        }
        return deleted;
    }
}
