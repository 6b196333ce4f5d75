package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * With a token configured, nothing under /api/ or /actuator/ but health answers without it, not even a
 * client on this machine in the first-run profile; webhooks need no admin token.
 */
@TributaryTest
@TestPropertySource(properties = "tributary.admin.token=s3cret-admin-token")
class AdminAuthTest {

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void apiRefusesMissingAndWrongTokens() {
        for (String path : new String[] {"/api/v1/quarantine", "/api/v1/mappings", "/api/v1/events/x", "/api/openapi.json", "/api/docs"}) {
            Answer none = client.get(path);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
            assertThat(none.body()).doesNotContain("s3cret");
            assertThat(client.get(path, "Authorization", "Bearer s3cret-admin-tokeX").status()).isEqualTo(401);
            assertThat(client.get(path, "Authorization", "Bearer s3cret").status()).isEqualTo(401);
            assertThat(client.get(path, "Authorization", "Basic czNjcmV0LWFkbWluLXRva2Vu").status()).isEqualTo(401);
        }
        assertThat(client.post("/api/v1/normalize/mailstand", "{\"type\":\"open\"}").status()).isEqualTo(401);
    }

    @Test
    void actuatorButHealthNeedsTheToken() {
        for (String path : new String[] {"/actuator/prometheus", "/actuator/metrics", "/actuator/metrics/jvm.memory.used",
                "/actuator/info", "/actuator", "/actuator/", "/actuator/health/../prometheus", "/actuator/health/..;/prometheus",
                "/actuator/health%2F..%2Fprometheus", "/actuator;x=1/prometheus", "/actuator/healthx", "/actuator/%68ealth/../metrics"}) {
            Answer none = client.get(path);
            assertThat(none.status()).as(path).isIn(400, 401);
            assertThat(none.body()).as(path).doesNotContain("jvm_").doesNotContain("tributary_");
        }
        assertThat(client.get("/actuator/prometheus").contentType()).startsWith("application/problem+json");
        assertThat(client.get("/actuator/prometheus", "Authorization", "Bearer s3cret-admin-token").body()).contains("tributary_");
        assertThat(client.get("/actuator/metrics", "Authorization", "Bearer s3cret-admin-token").status()).isEqualTo(200);
        for (String path : new String[] {"/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness"}) {
            assertThat(client.get(path).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void apiTakesOnlyJsonBodies() {
        String bearer = "Bearer s3cret-admin-token";
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
            Answer answer = client.post("/api/v1/subscriptions", "{\"url\":\"http://127.0.0.1:9/hook\"}", "Authorization", bearer,
                    "Content-Type", type);
            assertThat(answer.status()).as(type).isEqualTo(415);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
        assertThat(client.get("/api/v1/subscriptions", "Authorization", bearer).json().get("items")).isEmpty();
        assertThat(client.post("/api/v1/normalize/mailstand", "{\"type\":\"open\",\"to\":\"c\"}", "Authorization", bearer,
                "Content-Type", "application/json; charset=utf-8").status()).isEqualTo(200);
    }

    @Test
    void apiAnswersWithTheToken() {
        Answer answer = client.get("/api/v1/mappings", "Authorization", "Bearer s3cret-admin-token");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("providers").toString()).contains("dailystory");
    }

    @Test
    void webhooksDoNotNeedTheAdminToken() {
        Answer answer = client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_auth_1\",\"type\":\"open\",\"to\":\"contact_1\"}");
        assertThat(answer.status()).isIn(200, 202);
    }
}
