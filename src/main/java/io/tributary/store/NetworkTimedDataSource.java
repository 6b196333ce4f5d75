package io.tributary.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The pool's connections, each with a JDBC network timeout while it is borrowed. A statement whose
 * database does not answer within {@code tributary.store.read-timeout} loses its connection, and the
 * caller gets an error, instead of holding its thread until TCP gives up on the silence (about 15
 * minutes on Linux): a recovery pass, a console search, a purge. A query that runs longer than that
 * before it answers fails the same way. PostgreSQL's driver enforces it on the
 * socket and sends no cancel request (a cancel could land on a later statement of the same
 * connection). H2 in this process has no network and ignores it. The journal sets its own, shorter one
 * ({@code write-timeout}) on its connection.
 *
 * <p>Armed only once the migrations are done: an upgrade's {@code CREATE INDEX} on a large table
 * may run longer than any read, and must not be cut off. The pool puts a connection's own timeout
 * back when it is returned.
 */
final class NetworkTimedDataSource extends DelegatingDataSource {

    private final int millis;
    private volatile boolean armed;

    /** @param millis the timeout, more than 0 */
    NetworkTimedDataSource(DataSource pool, int millis) {
        super(pool);
        this.millis = millis;
    }

    /** From now on every connection handed out has the timeout. */
    void arm() {
        armed = true;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return timed(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return timed(super.getConnection(username, password));
    }

    private Connection timed(Connection c) throws SQLException {
        if (!armed) {
            return c;
        }
        try {
            c.setNetworkTimeout(Runnable::run, millis);
        } catch (SQLFeatureNotSupportedException e) {
            // a driver without network timeouts: the connection as it is
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
