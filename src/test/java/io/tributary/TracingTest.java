package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.WebhookClient.Answer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * Traces by configuration alone: a webhook that arrives in a provider's trace is delivered in that
 * trace (the subscriber gets a {@code traceparent} with its trace id), and the spans are exported over
 * OTLP to the collector configured.
 */
@TributaryTest
@TestPropertySource(properties = {
        "management.tracing.enabled=true",
        "tributary.delivery.allowed-networks=127.0.0.0/8"})
class TracingTest {

    /** An OTLP/HTTP collector: it takes whatever is posted to it. */
    static final TestReceiver COLLECTOR = new TestReceiver();

    @DynamicPropertySource
    static void collector(DynamicPropertyRegistry properties) {
        properties.add("management.otlp.tracing.endpoint", () -> COLLECTOR.url().replace("/hook", "/v1/traces"));
    }

    @AfterAll
    static void close() {
        COLLECTOR.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aWebhookIsDeliveredInTheProvidersTraceAndTheSpansAreExported() {
        WebhookClient client = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();
        try (TestReceiver subscriber = new TestReceiver()) {
            Answer created = client.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\",\"tenants\":[\"" + tenant + "\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);

            byte[] id = new byte[16];
            ThreadLocalRandom.current().nextBytes(id);
            String traceId = HexFormat.of().formatHex(id);
            Answer accepted = client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID()
                    + "\",\"type\":\"open\",\"workspace_id\":\"" + tenant + "\",\"to\":\"contact_1\"}",
                    "traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
            assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).until(() -> subscriber.received().size() == 1);
            String traceparent = subscriber.received().get(0).header("traceparent");
            assertThat(traceparent).as("the delivery carries the provider's trace").startsWith("00-" + traceId + "-")
                    .doesNotEndWith("-00f067aa0ba902b7-01");
            await().atMost(Duration.ofSeconds(30)).until(() -> COLLECTOR.received().stream()
                    .anyMatch(r -> new String(r.body(), java.nio.charset.StandardCharsets.ISO_8859_1)
                            .contains(new String(id, java.nio.charset.StandardCharsets.ISO_8859_1))));
        }
    }
}
