package io.tributary.store;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Deletes settled history older than {@code tributary.store.retention}: settled deliveries with their
 * attempts and dead letters, quarantine entries, and events none of whose deliveries is still
 * unsettled. A delivery held for a paused subscription, or still retrying, is never purged, nor is
 * its event: it is delivered or dead-lettered first.
 */
public final class RetentionPurge {

    private static final Logger log = LoggerFactory.getLogger(RetentionPurge.class);
    /** Deleted per statement, so a purge never holds a huge transaction (or its locks) open. */
    private static final int CHUNK = 5_000;

    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;
    private final Duration retention;
    private final Clock clock;

    RetentionPurge(JdbcTemplate jdbc, SqlDialect dialect, Duration retention, Clock clock) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.retention = retention;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${tributary.store.purge-every:1h}", initialDelayString = "${tributary.store.purge-every:1h}")
    public void scheduled() {
        try {
            purge();
        } catch (RuntimeException e) {
            log.warn("retention purge failed: {}", e.getClass().getSimpleName());
        }
    }

    /** @return rows deleted */
    public int purge() {
        Timestamp before = Timestamp.from(clock.instant().minus(retention));
        int deleted = 0;
        for (List<String> ids = settled(before); !ids.isEmpty(); ids = settled(before)) {
            deleted += each("DELETE FROM tributary_attempt WHERE delivery_id = ?", ids);
            deleted += each("DELETE FROM tributary_dead_letter WHERE id = ?", ids);
            deleted += each("DELETE FROM tributary_delivery WHERE id = ?", ids);
        }
        deleted += chunked("DELETE FROM tributary_quarantine WHERE id IN (SELECT id FROM tributary_quarantine"
                + " WHERE received_at < ? FETCH FIRST " + CHUNK + " ROWS ONLY)", before);
        deleted += chunked("DELETE FROM tributary_event WHERE id IN (SELECT e.id FROM tributary_event e WHERE e.recorded_at < ?"
                + " AND NOT EXISTS (SELECT 1 FROM tributary_delivery d WHERE " + dialect.deliveriesOf("e.id") + ")"
                + " FETCH FIRST " + CHUNK + " ROWS ONLY)", before);
        if (deleted > 0) {
            log.info("retention: deleted {} rows older than {}", deleted, retention);
        }
        return deleted;
    }

    /** Up to {@link #CHUNK} deliveries settled before the cut. */
    private List<String> settled(Timestamp before) {
        return jdbc.queryForList("SELECT id FROM tributary_delivery WHERE settled_at < ? AND status IN ('SUCCEEDED', 'EXHAUSTED', 'FILTERED')"
                + " FETCH FIRST " + CHUNK + " ROWS ONLY", String.class, before);
    }

    private int each(String sql, List<String> ids) {
        int total = 0;
        for (int n : jdbc.batchUpdate(sql, ids.stream().map(id -> new Object[] {id}).toList())) {
            total += Math.max(0, n);
        }
        return total;
    }

    /** Runs a delete of at most {@link #CHUNK} rows until it deletes none. */
    private int chunked(String sql, Timestamp before) {
        int total = 0;
        for (int n = jdbc.update(sql, before); n > 0; n = jdbc.update(sql, before)) {
            total += n;
        }
        return total;
    }
}
