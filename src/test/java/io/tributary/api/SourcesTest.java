package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** The sources' view: what an operator checks of each, its recent refusals, and never a secret. */
@TributaryTest
@TestPropertySource(properties = {
        "tributary.sources.shop-signed.provider=mailstand",
        "tributary.sources.shop-signed.tenant=shop",
        "tributary.sources.shop-signed.auth.type=token",
        "tributary.sources.shop-signed.auth.header=X-Shop-Token",
        "tributary.sources.shop-signed.auth.secrets[0]=first-token-value-0123456789abcdef",
        "tributary.sources.shop-signed.auth.secrets[1]=second-token-value-0123456789abcdef",
        "tributary.sources.shop-signed.allowed-ips=127.0.0.0/8",
        "tributary.sources.shop-signed.rate-limit=50"})
class SourcesTest {

    @LocalServerPort
    int port;

    @Test
    void eachSourceShowsHowItAuthenticatesAndItsRefusalsButNoSecret() {
        WebhookClient client = new WebhookClient(port);
        assertThat(client.post("/webhooks/mailstand/shop-signed", "{\"id\":\"evt_1\",\"type\":\"click\"}", "X-Shop-Token", "wrong")
                .status()).isEqualTo(401);

        await().atMost(Duration.ofSeconds(10)).until(() -> source(client, "shop-signed").get("rejected").asInt() == 1);
        JsonNode answer = client.get("/api/v1/sources").json();
        JsonNode shop = source(client, "shop-signed");
        assertThat(shop.get("providers").toString()).isEqualTo("[\"mailstand\"]");
        assertThat(shop.get("webhookUrls").get(0).asText()).isEqualTo("/webhooks/mailstand/shop-signed");
        assertThat(shop.get("tenant").asText()).isEqualTo("shop");
        assertThat(shop.at("/auth/type").asText()).isEqualTo("token");
        assertThat(shop.at("/auth/header").asText()).isEqualTo("X-Shop-Token");
        assertThat(shop.at("/auth/secrets").asInt()).isEqualTo(2);
        assertThat(shop.get("allowedIps").toString()).contains("127.0.0.0/8");
        assertThat(shop.get("rateLimit").asInt()).isEqualTo(50);
        assertThat(shop.at("/recentRejections/0/status").asInt()).isEqualTo(401);
        assertThat(answer.toString()).doesNotContain("token-value");
        assertThat(source(client, "demo").at("/auth/type").asText()).isEqualTo("none");
    }

    private static JsonNode source(WebhookClient client, String id) {
        for (JsonNode s : client.get("/api/v1/sources").json().get("items")) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no source " + id);
    }
}
