package io.tributary.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The two databases Tributary runs on, and what they spell differently: an insert that does nothing
 * when the key is there already (an event a provider sends again), a hint to read one index, and how
 * an event's deliveries are found.
 */
public enum SqlDialect {
    H2,
    POSTGRESQL;

    public static SqlDialect of(DataSource db) {
        try (Connection c = db.getConnection()) {
            return of(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to tell which it is", e);
        }
    }

    /** The dialect of the database {@code c} is connected to. */
    public static SqlDialect of(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres") ? POSTGRESQL : H2;
    }

    /**
     * What to run after a commit so that it is on the disk, not in the operating system's cache, or
     * {@code null} where the commit itself is: PostgreSQL's waits for its log to reach the disk. H2
     * writes a commit to its file (with {@code WRITE_DELAY=0}) but leaves it in the operating system's
     * cache; {@code CHECKPOINT SYNC} forces the file to the disk.
     */
    public String syncAfterCommit() {
        return this == H2 ? "CHECKPOINT SYNC" : null;
    }

    /**
     * {@code INSERT INTO table (columns) VALUES (...)} unless a row with the first column's value is
     * there. Parameters: the columns in order; on H2 the key once more at the end
     * ({@link #keyTwice()}). H2 writes one database file from one process, so its {@code NOT EXISTS}
     * cannot race another node; each value is cast to its column's type, which H2 needs to type a
     * {@code SELECT} of parameters.
     *
     * @param types the SQL type of each column, for H2's casts ({@code VARCHAR}, {@code TIMESTAMP}...)
     */
    public String insertIfAbsent(String table, String[] columns, String[] types) {
        String names = String.join(", ", columns);
        if (this == POSTGRESQL) {
            return "INSERT INTO " + table + " (" + names + ") VALUES (" + "?, ".repeat(columns.length - 1) + "?)"
                    + " ON CONFLICT (" + columns[0] + ") DO NOTHING";
        }
        StringBuilder casts = new StringBuilder();
        for (int i = 0; i < columns.length; i++) {
            casts.append(i == 0 ? "" : ", ").append("CAST(? AS ").append(types[i]).append(')');
        }
        return "INSERT INTO " + table + " (" + names + ") SELECT " + casts
                + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE " + columns[0] + " = ?)";
    }

    /** Whether {@link #insertIfAbsent} takes the key a second time, as its last parameter. */
    public boolean keyTwice() {
        return this == H2;
    }

    /**
     * The table in a {@code FROM}, read through {@code index} on H2 ({@code USE INDEX}), as is on
     * PostgreSQL, whose planner needs no hint.
     */
    public String through(String table, String index) {
        return this == H2 ? table + " USE INDEX (" + index + ")" : table;
    }

    /**
     * A condition that holds for the deliveries of one event: {@code d} is the {@code tributary_delivery}
     * row, {@code eventId} an SQL expression for the event's id. A delivery's id is its event's id,
     * {@code /}, its subscription's, so on H2 (which compares strings by their characters) the
     * deliveries are a range of the primary key, and H2 keeps no index on {@code event_id} (V10). The
     * {@code event_id} is compared too: the range of event {@code a} also holds those of event
     * {@code a/b}. PostgreSQL reads its {@code event_id} index: under a collation that ignores
     * punctuation the range is not the prefix.
     */
    public String deliveriesOf(String eventId) {
        String same = "d.event_id = " + eventId;
        return this == H2 ? "d.id >= CONCAT(" + eventId + ", '/') AND d.id < CONCAT(" + eventId + ", '0') AND " + same : same;
    }
}
