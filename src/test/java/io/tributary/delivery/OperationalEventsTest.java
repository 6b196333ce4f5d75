package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.EventStore;
import io.tributary.store.Journal;
import io.tributary.store.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.AbstractDataSource;

/** The announcing pass on a bad day. */
class OperationalEventsTest {

    /** A database that is down: every connection refused, as Hikari reports it. */
    private static final class Down extends AbstractDataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLTransientConnectionException("Connection is not available, request timed out after 1000ms");
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return getConnection();
        }
    }

    @Test
    void aPassWithTheDatabaseDownEndsQuietlyForTheNextOneToTryAgain() throws Exception {
        Down db = new Down();
        try (Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(1))) {
            ObjectMapper json = new ObjectMapper();
            EventStore store = new EventStore(new JdbcTemplate(db), journal, SqlDialect.H2, json);
            OperationalEvents events = new OperationalEvents(store, null, null, json, Clock.systemUTC());
            // Spring's scheduler logs anything thrown as an unexpected error, with its stack trace, at every pass.
            assertThatCode(events::announceUnmapped).doesNotThrowAnyException();
        }
    }
}
