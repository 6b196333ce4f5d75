package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class DataDirectoryTest {

    @Configuration(proxyBeanMethods = false)
    static class Nothing {
    }

    /** The environment a start with these arguments gets: application.yaml and every post-processor. */
    private static Environment startedWith(String... args) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Nothing.class)
                .web(WebApplicationType.NONE).logStartupInfo(false).run(args)) {
            return context.getEnvironment();
        }
    }

    @Test
    void aRelativeDataDirWithoutDotSlashOpensTheEmbeddedDatabaseUnderTheWorkingDirectory() throws Exception {
        String relative = "target/data-dir-" + UUID.randomUUID();
        Environment environment = startedWith("--tributary.store.data-dir=" + relative);

        // H2 refuses "target/..." in a file URL (90011); the URL application.yaml builds must open.
        try (Connection db = DriverManager.getConnection(environment.getProperty("tributary.store.url"), "sa", "")) {
            assertThat(db.isValid(1)).isTrue();
        }
        Path expected = Path.of(relative).toAbsolutePath().normalize();
        assertThat(environment.getProperty("tributary.store.data-dir")).isEqualTo(expected.toString());
        assertThat(Files.list(expected)).anyMatch(file -> file.getFileName().toString().startsWith("tributary."));
    }

    @Test
    void theDefaultAndAnAbsoluteDirectoryStayWhereTheyAre() {
        assertThat(startedWith().getProperty("tributary.store.data-dir"))
                .isEqualTo(Path.of("data").toAbsolutePath().toString());
        Path absolute = Path.of("target", "elsewhere").toAbsolutePath();
        assertThat(startedWith("--tributary.store.data-dir=" + absolute).getProperty("tributary.store.data-dir"))
                .isEqualTo(absolute.toString());
    }

    @Test
    void aDataDirThatIsNoPathIsRefusedByName() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test",
                Map.of("tributary.store.data-dir", "data\u0000dir")));
        assertThatThrownBy(() -> new DataDirectory().postProcessEnvironment(environment, null))
                .hasMessageContaining("tributary.store.data-dir");
    }
}
