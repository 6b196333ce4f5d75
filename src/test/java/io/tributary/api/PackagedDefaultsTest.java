package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryApplication;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What {@code java -jar} and the Docker image start with (no profile): no {@code demo} source, and an
 * admin API and actuator that answer no one without the token, loopback clients included (a proxy on
 * the same host makes every client one). With no token configured, the first start generates one into
 * the data directory, owner-only, and says where once; the next start uses it and says nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class PackagedDefaultsTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TributaryApplication.class).run("--server.port=0",
                "--tributary.store.data-dir=" + dataDir, "--tributary.cluster.port=5821",
                "--tributary.store.url=jdbc:h2:mem:packaged-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--camel.main.shutdown-timeout=1");
    }

    private static WebhookClient client(ConfigurableApplicationContext app) {
        return new WebhookClient(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @Test
    void noDemoSourceAndNothingForAnOperatorWithoutTheToken(CapturedOutput output) throws Exception {
        Path file = dataDir.resolve("admin-token");
        String token;
        try (ConfigurableApplicationContext app = start()) {
            WebhookClient client = client(app);
            assertThat(client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_1\",\"type\":\"open\",\"to\":\"c\"}").status())
                    .isEqualTo(404);

            token = Files.readString(file, StandardCharsets.UTF_8).trim();
            assertThat(token).matches("[A-Za-z0-9_-]{43}"); // 32 random bytes, URL-safe Base64
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            assertThat(output.getOut()).contains(file.toString()).doesNotContain(token);

            for (String path : new String[] {"/api/v1/mappings", "/api/v1/quarantine", "/actuator/prometheus", "/actuator/metrics"}) {
                Answer none = client.get(path);
                assertThat(none.status()).as(path).isEqualTo(401);
                assertThat(none.contentType()).as(path).startsWith("application/problem+json");
                assertThat(client.get(path, "Authorization", "Bearer " + token).status()).as(path).isEqualTo(200);
            }
            assertThat(client.get("/actuator/health").status()).isEqualTo(200);
        }

        int before = output.getOut().length();
        try (ConfigurableApplicationContext app = start()) {
            assertThat(client(app).get("/api/v1/mappings", "Authorization", "Bearer " + token).status()).isEqualTo(200);
        }
        assertThat(output.getOut().substring(before)).doesNotContain(AdminToken.FILE).doesNotContain(token);
        assertThat(output.getAll()).doesNotContain(token);
    }

    @Test
    void aConfiguredTokenIsUsedAndNoneIsGenerated() {
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(TributaryApplication.class).run("--server.port=0",
                "--tributary.store.data-dir=" + dataDir, "--tributary.cluster.port=5821", "--tributary.admin.token=configured-token",
                "--tributary.store.url=jdbc:h2:mem:packaged-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "--camel.main.shutdown-timeout=1")) {
            WebhookClient client = client(app);
            assertThat(client.get("/api/v1/mappings").status()).isEqualTo(401);
            assertThat(client.get("/api/v1/mappings", "Authorization", "Bearer configured-token").status()).isEqualTo(200);
        }
        assertThat(dataDir.resolve("admin-token")).doesNotExist();
    }
}
