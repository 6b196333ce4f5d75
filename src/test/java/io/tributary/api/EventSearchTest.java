package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** GET /api/v1/events: accepted events found by type (or prefix), provider, source, tenant, subject and id, newest first, a page at a time. */
@TributaryTest
class EventSearchTest {

    @LocalServerPort
    int port;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    private String post(String tenant, String type, String to) {
        String id = "evt_" + UUID.randomUUID();
        Answer answer = client.post("/webhooks/mailstand/demo", "{\"id\":\"" + id + "\",\"type\":\"" + type + "\",\"workspace_id\":\""
                + tenant + "\",\"to\":\"" + to + "\",\"created_at\":1654703617}");
        assertThat(answer.status()).as(answer.body()).isEqualTo(202);
        return id;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    @Test
    void eventsAreFoundByTheirAttributesNewestFirstAPageAtATime() {
        String tenant = "t-" + UUID.randomUUID();
        String click = post(tenant, "click", "contact_a");
        String open = post(tenant, "open", "contact_b");
        String reply = post(tenant, "reply", "contact_a");

        JsonNode all = client.get("/api/v1/events?tenant=" + tenant).json();
        assertThat(ids(all)).containsExactly(reply, open, click);
        assertThat(all.at("/items/0/key").asText()).endsWith("." + reply);
        assertThat(all.at("/items/0/source").asText()).isEqualTo("demo");
        assertThat(all.get("next").isNull()).isTrue();

        assertThat(ids(client.get("/api/v1/events?tenant=" + tenant + "&type=message.clicked").json())).containsExactly(click);
        assertThat(ids(client.get("/api/v1/events?tenant=" + tenant + "&type=message.*").json())).contains(click, open).hasSize(3);
        JsonNode bySubject = client.get("/api/v1/events?tenant=" + tenant + "&subject=contact_a").json();
        assertThat(ids(bySubject)).contains(click).doesNotContain(open);
        bySubject.get("items").forEach(item -> assertThat(item.get("subject").asText()).isEqualTo("contact_a"));
        assertThat(ids(client.get("/api/v1/events?id=" + open).json())).containsExactly(open);
        assertThat(ids(client.get("/api/v1/events?tenant=" + tenant + "&provider=dailystory").json())).isEmpty();

        JsonNode first = client.get("/api/v1/events?tenant=" + tenant + "&limit=2").json();
        assertThat(ids(first)).containsExactly(reply, open);
        JsonNode second = client.get("/api/v1/events?tenant=" + tenant + "&limit=2&cursor=" + first.get("next").asText()).json();
        assertThat(ids(second)).containsExactly(click);
    }

    @Test
    void badCriteriaAreRefusedWithAProblem() {
        for (String query : List.of("limit=0", "limit=501", "from=yesterday", "cursor=bm90LWEtY3Vyc29y", "type=message.*.x", "type=*")) {
            Answer answer = client.get("/api/v1/events?" + query);
            assertThat(answer.status()).as(query + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.contentType()).startsWith("application/problem+json");
        }
    }
}
