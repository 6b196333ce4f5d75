package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Every metric of Tributary's own that the application exposes is in the README, with every one of its labels. */
@TributaryTest
class MetricsDocumentedTest {

    private static final Pattern SAMPLE = Pattern.compile("^(tributary_[a-z_]+?)(_total|_count|_sum|_max|_bucket)?(\\{([^}]*)})? ",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_]+)=\"");

    @LocalServerPort
    int port;

    @Test
    void everyExposedTributaryMetricAndLabelIsInTheReadme() throws Exception {
        WebhookClient client = new WebhookClient(port);
        // Some of each kind: accepted, quarantined, refused.
        client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}");
        client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"no_such_event\"}");
        client.post("/webhooks/mailstand/no-such-source", "{}");

        String exposition = client.get("/actuator/prometheus").body();
        Map<String, Set<String>> exposed = new TreeMap<>();
        Matcher sample = SAMPLE.matcher(exposition);
        while (sample.find()) {
            String name = sample.group(1) + (sample.group(2) != null && sample.group(2).equals("_total") ? "_total" : "");
            Set<String> labels = exposed.computeIfAbsent(name, n -> new TreeSet<>());
            if (sample.group(4) != null) {
                Matcher label = LABEL.matcher(sample.group(4));
                while (label.find()) {
                    if (!label.group(1).equals("quantile") && !label.group(1).equals("le")) { // Prometheus's own for distributions
                        labels.add(label.group(1));
                    }
                }
            }
        }
        assertThat(exposed).as("Tributary's metrics exposed").containsKeys("tributary_ingest_events_total", "tributary_journal_commit_seconds");

        String readme = Files.readString(Path.of("README.md"));
        exposed.forEach((name, labels) -> {
            String row = readme.lines().filter(line -> line.startsWith("| `" + name + "`")).findFirst().orElse(null);
            assertThat(row).as("README row for " + name).isNotNull();
            for (String label : labels) {
                assertThat(row).as("README row for " + name + " names its label " + label).contains("`" + label + "`");
            }
        });
    }

    /**
     * With tracing off a webhook request is timed once, by its Camel route, not a second time by Spring's
     * HTTP server observation (issue 18: that observation was about 5 % of a webhook's request thread).
     */
    @Test
    void webhookRequestsAreTimedByTheirRouteAloneWhileTracingIsOff() {
        WebhookClient client = new WebhookClient(port);
        client.get("/api/v1/sources"); // an API request, which the HTTP observation still times
        double before = httpServerRequests(client.get("/actuator/prometheus").body());
        for (int i = 0; i < 3; i++) {
            client.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"open\",\"to\":\"contact_1\"}");
        }
        String after = client.get("/actuator/prometheus").body();
        assertThat(before).as("API requests are still observed").isPositive();
        assertThat(httpServerRequests(after)).as("http.server.requests, but for the scrape itself").isEqualTo(before + 1);
        assertThat(after.lines().filter(l -> l.startsWith("camel_route_policy_seconds_count") && l.contains("mailstand-webhook")))
                .as("the webhook route's own timer").isNotEmpty();
    }

    private static double httpServerRequests(String exposition) {
        return exposition.lines().filter(l -> l.startsWith("http_server_requests_seconds_count"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The Grafana dashboard in docker/ charts only metrics that exist (those the README lists). */
    @Test
    void theDashboardChartsOnlyDocumentedMetrics() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of("docker/grafana-dashboard.json").toFile());
        Set<String> charted = new TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.get("panels")) {
            for (com.fasterxml.jackson.databind.JsonNode target : panel.get("targets")) {
                Matcher name = Pattern.compile("tributary_[a-z_]+").matcher(target.get("expr").asText());
                while (name.find()) {
                    charted.add(name.group().replaceAll("_(count|sum|max|bucket)$", ""));
                }
            }
        }
        assertThat(charted).hasSizeGreaterThan(5);
        for (String name : charted) {
            assertThat(readme).as("the README lists " + name).contains("| `" + name + "`");
        }
    }
}
