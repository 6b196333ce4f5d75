package io.tributary.lifecycle;

import io.tributary.store.Columns;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The mapping versions and their changes in the database, the record every member follows. */
public final class MappingVersions {

    /** One version of a provider's mapping. */
    public record Version(String id, String provider, String version, String mapping, String state, Instant createdAt, String createdBy,
                   Instant changedAt) {
    }

    /** One change: who did what to which version, and when. */
    public record Change(String provider, String action, String version, String previous, String actor, Instant at) {
    }

    private static final String COLUMNS = "id, provider, version, mapping, state, created_at, created_by, changed_at";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    MappingVersions(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    private static Version version(ResultSet rs, int n) throws SQLException {
        return new Version(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Columns.instant(rs.getTimestamp(6)), rs.getString(7), Columns.instant(rs.getTimestamp(8)));
    }

    /** Every provider's version in a state ({@code live}, {@code candidate}), by provider. */
    public Map<String, Version> inState(String state) {
        Map<String, Version> out = new LinkedHashMap<>();
        jdbc.query("SELECT " + COLUMNS + " FROM tributary_mapping_version WHERE state = ? ORDER BY changed_at", MappingVersions::version, state)
                .forEach(v -> out.put(v.provider(), v));
        return out;
    }

    Optional<Version> current(String provider, String state) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tributary_mapping_version WHERE provider = ? AND state = ? ORDER BY changed_at DESC",
                MappingVersions::version, provider, state).stream().findFirst();
    }

    List<Version> history(String provider) {
        return jdbc.query("SELECT " + COLUMNS + " FROM tributary_mapping_version WHERE provider = ? ORDER BY changed_at DESC, created_at DESC",
                MappingVersions::version, provider);
    }

    List<Change> changes(String provider) {
        return jdbc.query("SELECT provider, action, version, previous, actor, at FROM tributary_mapping_change WHERE provider = ? ORDER BY at DESC",
                (rs, n) -> new Change(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        Columns.instant(rs.getTimestamp(6))), provider);
    }

    /** A new candidate, in place of the provider's earlier one. */
    Version propose(String provider, String version, String mapping, String actor, Instant now) {
        Version row = new Version(UUID.randomUUID().toString(), provider, version, mapping, "candidate", now, actor, now);
        tx.executeWithoutResult(status -> {
            String previous = setState(provider, "candidate", "discarded", now);
            insert(row);
            change(provider, "candidate", version, previous, actor, now);
        });
        return row;
    }

    void discard(String provider, String actor, Instant now) {
        tx.executeWithoutResult(status -> {
            String dropped = setState(provider, "candidate", "discarded", now);
            if (dropped != null) {
                change(provider, "discard", dropped, null, actor, now);
            }
        });
    }

    /**
     * The candidate goes live; the live one, or else the files' (kept now, as {@code fileMapping}, so
     * a rollback can return to it), is retired.
     */
    void promote(String provider, String fileVersion, String fileMapping, String actor, Instant now) {
        tx.executeWithoutResult(status -> {
            Version candidate = current(provider, "candidate").orElseThrow(() -> new IllegalStateException("no candidate"));
            String previous = setState(provider, "live", "retired", now);
            if (previous == null) {
                insert(new Version(UUID.randomUUID().toString(), provider, fileVersion, fileMapping, "retired", now, "files", now));
                previous = fileVersion;
            }
            jdbc.update("UPDATE tributary_mapping_version SET state = 'live', changed_at = ? WHERE id = ?", Columns.timestamp(now), candidate.id());
            change(provider, "promote", candidate.version(), previous, actor, now);
        });
    }

    /** The live version is rolled back; the one it replaced is live again. */
    void rollback(String provider, String actor, Instant now) {
        tx.executeWithoutResult(status -> {
            Version live = current(provider, "live").orElseThrow(() -> new IllegalStateException("nothing promoted"));
            Version before = current(provider, "retired").orElseThrow(() -> new IllegalStateException("nothing to roll back to"));
            jdbc.update("UPDATE tributary_mapping_version SET state = 'rolled_back', changed_at = ? WHERE id = ?", Columns.timestamp(now), live.id());
            jdbc.update("UPDATE tributary_mapping_version SET state = 'live', changed_at = ? WHERE id = ?", Columns.timestamp(now), before.id());
            change(provider, "rollback", before.version(), live.version(), actor, now);
        });
    }

    /** Moves the provider's version in one state to another; the version moved, or {@code null}. */
    private String setState(String provider, String from, String to, Instant now) {
        Optional<Version> current = current(provider, from);
        current.ifPresent(v -> jdbc.update("UPDATE tributary_mapping_version SET state = ?, changed_at = ? WHERE id = ?", to,
                Columns.timestamp(now), v.id()));
        return current.map(Version::version).orElse(null);
    }

    private void insert(Version v) {
        jdbc.update("INSERT INTO tributary_mapping_version (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", v.id(), v.provider(),
                v.version(), v.mapping(), v.state(), Columns.timestamp(v.createdAt()), v.createdBy(), Columns.timestamp(v.changedAt()));
    }

    private void change(String provider, String action, String version, String previous, String actor, Instant now) {
        jdbc.update("INSERT INTO tributary_mapping_change (id, provider, action, version, previous, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                UUID.randomUUID().toString(), provider, action, version, previous, actor, Columns.timestamp(now));
    }
}
