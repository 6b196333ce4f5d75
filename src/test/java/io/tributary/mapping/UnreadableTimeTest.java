package io.tributary.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.EventContext;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.mapping.Normalization.Reason;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A payload's time that cannot be read quarantines the event, saying which field, never its value. */
class UnreadableTimeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventNormalizer normalizer =
            new EventNormalizer(MappingRegistry.load("classpath*:mappings"), new CanonicalEventValidator());

    private Normalization normalize(String provider, String body) throws Exception {
        return normalizer.normalize(new EventContext(provider, "demo", "demo", null, (ObjectNode) JSON.readTree(body),
                Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void theDetailNamesTheCanonicalFieldAndThePayloadFieldItCameFrom() throws Exception {
        Normalization result = normalize("mailstand", """
                {"id": "evt_t1", "type": "open", "workspace_id": "space_1", "to": "contact_1",
                 "created_at": "next Tuesday at noon"}""");
        assertThat(result).isInstanceOfSatisfying(Quarantined.class, q -> {
            assertThat(q.reason()).isEqualTo(Reason.INVALID);
            assertThat(q.id()).as("kept under the provider's id").isEqualTo("evt_t1");
            assertThat(q.providerEvent()).isEqualTo("open");
            assertThat(q.detail()).isEqualTo("/time: not a time (the payload's /created_at)").doesNotContain("Tuesday");
        });
    }

    @Test
    void aTimeInsideDataIsNamedByItsPointerInTheEvent() throws Exception {
        Normalization result = normalize("dailydraft", """
                {"event": "issue.sent", "timestamp": "2025-01-10T12:00:00Z", "newsletter_id": 123,
                 "data": {"issue_id": 42, "subject": "Weekly", "total_recipients": 10, "sent_at": "last Tuesday"}}""");
        assertThat(result).isInstanceOfSatisfying(Quarantined.class, q -> {
            assertThat(q.reason()).isEqualTo(Reason.INVALID);
            assertThat(q.detail()).isEqualTo("/data/sentAt: not a time (the payload's /data/sent_at)").doesNotContain("Tuesday");
        });
    }

    @Test
    void aTimeTheMappingComposedNamesOnlyTheCanonicalField() {
        assertThat(EventNormalizer.unreadable("/time", JSON.createObjectNode().put("time", "x y"),
                JSON.createObjectNode().put("date", "x").put("hour", "y"))).isEqualTo("/time: not a time");
    }

    @Test
    void aReadableTimeStillMaps() throws Exception {
        Normalization result = normalize("mailstand", """
                {"id": "evt_t2", "type": "open", "workspace_id": "space_1", "to": "contact_1",
                 "created_at": "2026-04-23 20:00:12"}""");
        assertThat(result).isInstanceOf(Normalization.Normalized.class);
        assertThat(((Normalization.Normalized) result).event().get("time").asText()).isEqualTo("2026-04-23T20:00:12Z");
    }
}
