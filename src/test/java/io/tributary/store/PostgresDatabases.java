package io.tributary.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.params.provider.Arguments;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A real PostgreSQL for the store tests, where {@code TRIBUTARY_TEST_POSTGRES_URL} (and _USER,
 * _PASSWORD) names a server: {@code .ci/run} installs and starts one. Each call creates a fresh
 * database on it.
 */
public final class PostgresDatabases {

    /** A database: JDBC URL and credentials. */
    public record Database(String url, String user, String password) {
    }

    private PostgresDatabases() {
    }

    /**
     * Arguments for a parameterized store test: an in-memory H2 database named {@code name}-..., and a
     * fresh PostgreSQL database where one is provided; each migrated by Flyway.
     */
    public static Stream<Arguments> h2AndPostgres(String name) {
        List<Arguments> dbs = new ArrayList<>();
        dbs.add(Arguments.of("h2", new DriverManagerDataSource("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "")));
        fresh().ifPresent(pg -> dbs.add(Arguments.of("postgresql", new DriverManagerDataSource(pg.url(), pg.user(), pg.password()))));
        return dbs.stream().peek(a -> Flyway.configure().dataSource((DataSource) a.get()[1]).load().migrate());
    }

    public static Optional<Database> fresh() {
        String server = System.getenv("TRIBUTARY_TEST_POSTGRES_URL");
        if (server == null || server.isBlank()) {
            return Optional.empty();
        }
        String user = System.getenv().getOrDefault("TRIBUTARY_TEST_POSTGRES_USER", "postgres");
        String password = System.getenv().getOrDefault("TRIBUTARY_TEST_POSTGRES_PASSWORD", "");
        String name = "tributary_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(server, user, password); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("TRIBUTARY_TEST_POSTGRES_URL is set but PostgreSQL cannot be used: " + e.getMessage(), e);
        }
        return Optional.of(new Database(server.substring(0, server.lastIndexOf('/') + 1) + name, user, password));
    }
}
