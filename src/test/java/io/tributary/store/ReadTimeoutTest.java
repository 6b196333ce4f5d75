package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryApplication;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A statement the database never answers (the network goes silent under it, as when a database host
 * vanishes or a firewall starts dropping packets) fails after {@code tributary.store.read-timeout},
 * and the pool then goes on with fresh connections: no thread of Tributary waits on the silence until
 * TCP gives up. PostgreSQL, reached through a {@link FaultyProxy}.
 */
@EnabledIfEnvironmentVariable(named = "TRIBUTARY_TEST_POSTGRES_URL", matches = ".+")
class ReadTimeoutTest {

    @Test
    void aReadTheDatabaseNeverAnswersFailsAfterTheReadTimeoutAndThePoolGoesOn() throws Exception {
        PostgresDatabases.Database pg = PostgresDatabases.fresh().orElseThrow();
        URI server = URI.create(pg.url().substring("jdbc:".length()));
        try (FaultyProxy proxy = new FaultyProxy(server.getHost(), server.getPort());
             ConfigurableApplicationContext app = new SpringApplicationBuilder(TributaryApplication.class).profiles("first-run", "test").run(
                     "--server.port=0", "--tributary.store.url=jdbc:postgresql://127.0.0.1:" + proxy.port() + server.getPath()
                             + "?sslmode=disable",
                     "--tributary.store.user=" + pg.user(), "--tributary.store.password=" + pg.password(),
                     "--tributary.store.read-timeout=2s", "--spring.datasource.hikari.connection-timeout=1000",
                     "--camel.main.shutdown-timeout=1")) {
            DataSource db = app.getBean(DataSource.class);
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_event", Long.class)).isZero();

            // A reader holds its connection, as a recovery pass or a console search does, when the network goes silent.
            try (Connection c = db.getConnection()) {
                try {
                    proxy.stall();
                    CompletableFuture<Object> read = CompletableFuture.supplyAsync(() -> {
                        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM tributary_delivery")) {
                            rows.next();
                            return rows.getLong(1);
                        } catch (Exception e) {
                            return e;
                        }
                    });
                    // Well past the 2 s timeout, and well short of what TCP would wait for on its own.
                    assertThat(read.get(30, TimeUnit.SECONDS)).as("what the silent read ended with")
                            .asInstanceOf(InstanceOfAssertFactories.throwable(Exception.class))
                            .hasRootCauseInstanceOf(SocketTimeoutException.class);
                } finally {
                    proxy.heal(); // before the connection goes back to the pool, which would wait on it too
                }
            }

            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_event", Long.class)).as("the pool goes on").isZero();
            assertThat(proxy.cancelRequests()).as("cancel requests sent").isZero();
        }
    }
}
