package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.ingest.WebhookProbe.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.HealthEndpointGroup;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The probes a platform asks: readiness is UP only with the readiness state, the Camel context, the
 * database and Hazelcast all UP; liveness is the process alone. The components are shown here only, for the test
 * to see them (in production the endpoint is public and shows only the status). Boot refuses to start
 * when a group names a health contributor that does not exist, so the names are checked too.
 */
@TributaryTest
@TestPropertySource(properties = "management.endpoint.health.group.readiness.show-components=always")
class ReadinessGateProbeTest {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    HealthEndpointGroups groups;

    @Test
    void readinessIsUpWithTheDatabaseAndHazelcastAndLivenessStandsApart() {
        WebhookClient client = new WebhookClient(port);

        WebhookClient.Answer readiness = client.get("/actuator/health/readiness");
        assertThat(readiness.status()).isEqualTo(200);
        assertThat(readiness.json().get("status").asText()).isEqualTo("UP");
        assertThat(names(readiness.json().get("components")))
                .containsExactlyInAnyOrder("readinessState", "camelReadinessState", "db", "hazelcast");
        readiness.json().get("components").forEach(c -> assertThat(c.get("status").asText()).isEqualTo("UP"));

        WebhookClient.Answer liveness = client.get("/actuator/health/liveness");
        assertThat(liveness.status()).isEqualTo(200);
        assertThat(liveness.json().get("status").asText()).isEqualTo("UP");
        // Boot's own liveness group (showing its components here would mean declaring a group of our own)
        HealthEndpointGroup livenessGroup = groups.get("liveness");
        assertThat(livenessGroup.isMember("livenessState")).isTrue();
        assertThat(List.of("db", "hazelcast", "readinessState", "camelReadinessState"))
                .as("a database or cluster outage is no reason to restart the process").noneMatch(livenessGroup::isMember);
    }

    @Test
    void refusingTrafficTakesReadinessDownAndWebhooksGet503UntilAcceptingAgain() {
        WebhookClient client = new WebhookClient(port);
        WebhookProbe probe = new WebhookProbe(port);
        assertThat(probe.post().status()).isEqualTo(202);

        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC); // what Boot does as the context closes
        try {
            WebhookClient.Answer readiness = client.get("/actuator/health/readiness");
            assertThat(readiness.status()).isEqualTo(503);
            assertThat(readiness.json().get("status").asText()).isEqualTo("OUT_OF_SERVICE");
            assertThat(client.get("/actuator/health/liveness").status()).as("still alive").isEqualTo(200);

            Outcome refused = probe.post();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.retryAfter()).isEqualTo("5");
            assertThat(refused.contentType()).isEqualTo("application/problem+json");
            assertThat(refused.body()).contains("\"title\":\"Service Unavailable\"").contains("/webhooks/mailstand/demo");
            assertThat(client.get("/api/v1/subscriptions").status()).as("only webhooks are gated").isNotEqualTo(503);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(client.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(probe.post().status()).isEqualTo(202);
    }

    private static List<String> names(JsonNode components) {
        List<String> names = new ArrayList<>();
        components.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
