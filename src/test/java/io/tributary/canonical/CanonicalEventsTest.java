package io.tributary.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CanonicalEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant RECEIVED = Instant.parse("2026-11-23T18:40:12.123456Z");

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static EventContext ctx(String tenant, JsonNode payload) {
        return new EventContext("mailstand", "acme-outreach", tenant, null, payload, RECEIVED);
    }

    @Test
    void envelopeIsCompletedFromTheSourceAndTheReceiveTime() {
        ObjectNode event = CanonicalEvents.finish(json("""
                {"type": "message.opened", "providerevent": "open", "id": "evt_1",
                 "data": {"contact": {"id": "contact_1", "email": "a@b.test"}}}"""), ctx("space_1", json("{}")));
        assertThat(event.get("specversion").asText()).isEqualTo("1.0");
        assertThat(event.get("source").asText()).isEqualTo("/providers/mailstand/acme-outreach");
        assertThat(event.get("subject").asText()).isEqualTo("contact_1");
        assertThat(event.get("tenant").asText()).isEqualTo("space_1");
        assertThat(event.get("recordedtime").asText()).isEqualTo("2026-11-23T18:40:12.123Z");
        assertThat(event.get("time").asText()).as("no time in the payload").isEqualTo("2026-11-23T18:40:12.123Z");
        assertThat(event.get("datacontenttype").asText()).isEqualTo("application/json");
    }

    @Test
    void missingFactsAreLeftOutNotEmpty() {
        ObjectNode event = CanonicalEvents.finish(json("""
                {"type": "message.sent", "providerevent": "send", "id": "evt_2", "tenant": "",
                 "data": {"channel": "email", "contact": {"id": null, "email": "  "}, "campaign": {"name": ""},
                          "tags": [], "list": {"id": 5}}}"""), ctx("demo", json("{}")));
        assertThat(event.get("data").toString()).isEqualTo("{\"channel\":\"email\",\"tags\":[],\"list\":{\"id\":\"5\"}}");
        assertThat(event.has("subject")).isFalse();
        assertThat(event.get("tenant").asText()).as("blank tenant falls back to the source's").isEqualTo("demo");
    }

    @Test
    void phonesEmailsIdsAndAtTimesAreNormalizedButProviderObjectsAreNot() {
        ObjectNode event = CanonicalEvents.finish(json("""
                {"type": "contact.upserted", "providerevent": "contact_created_or_updated",
                 "data": {"contact": {"phone": "15125550147", "email": " x@y.test ",
                          "attributes": {"phone": "15125550147", "blank": "", "n": 0}},
                          "changes": {"city": {"old": null, "new": "Pune"}},
                          "merge": {"survivingId": 12}, "sentAt": "2025-01-10T09:00:00+01:00",
                          "message": {"from": {"phone": "+7 911 000"}}}}"""), ctx("demo", json("{}")));
        JsonNode data = event.get("data");
        assertThat(data.at("/contact/phone").asText()).isEqualTo("+15125550147");
        assertThat(data.at("/contact/email").asText()).isEqualTo("x@y.test");
        assertThat(data.at("/contact/attributes").toString()).isEqualTo("{\"phone\":\"15125550147\",\"blank\":\"\",\"n\":0}");
        assertThat(data.at("/changes").toString()).isEqualTo("{\"city\":{\"old\":null,\"new\":\"Pune\"}}");
        assertThat(data.at("/merge/survivingId").isTextual()).isTrue();
        assertThat(data.at("/sentAt").asText()).isEqualTo("2025-01-10T08:00:00Z");
        assertThat(data.at("/message/from/phone").asText()).isEqualTo("+7 911 000");
        assertThat(event.get("subject").asText()).as("email when there is no id").isEqualTo("x@y.test");
    }

    @Test
    void aTimeGivenButUnreadableIsAnErrorNamingTheFieldNotTheReceivedTime() {
        assertThatThrownBy(() -> CanonicalEvents.finish(json("""
                {"type": "message.opened", "id": "e", "time": "[date/time when email opened]"}"""), ctx("demo", json("{}"))))
                .isInstanceOfSatisfying(UnreadableTime.class, e -> assertThat(e.field()).isEqualTo("/time"));
        assertThatThrownBy(() -> CanonicalEvents.finish(json("""
                {"type": "message.opened", "id": "e", "time": 0}"""), ctx("demo", json("{}"))))
                .as("epoch zero is a placeholder, not the event's time").isInstanceOf(UnreadableTime.class);
        assertThatThrownBy(() -> CanonicalEvents.finish(json("""
                {"type": "message.bounced", "id": "e",
                 "data": {"bounce": [{"a/b": {"seenAt": "soon"}}]}}"""), ctx("demo", json("{}"))))
                .isInstanceOfSatisfying(UnreadableTime.class, e -> assertThat(e.field()).isEqualTo("/data/bounce/0/a~1b/seenAt"));
    }

    @Test
    void aBlankTimeIsNoTime() {
        ObjectNode event = CanonicalEvents.finish(json("""
                {"type": "message.opened", "id": "e", "time": "  ", "data": {"openedAt": ""}}"""), ctx("demo", json("{}")));
        assertThat(event.get("time").asText()).isEqualTo("2026-11-23T18:40:12.123Z");
        assertThat(event.get("data").has("openedAt")).isFalse();
    }

    @Test
    void aBounceSaysItsClassAndPermanenceOnceAndAnSmtpReplyInItsReasonIsRead() {
        JsonNode hard = CanonicalEvents.finish(json("""
                {"type": "message.bounced", "id": "e", "data": {"bounce": {"type": "hard",
                 "reason": "550-5.1.1 The email account that you tried to reach does not exist"}}}"""), ctx("demo", json("{}"))).get("data");
        assertThat(hard.at("/bounce/class").asText()).isEqualTo("hard");
        assertThat(hard.at("/bounce/permanent").asBoolean()).isTrue();
        assertThat(hard.at("/smtp/code").intValue()).isEqualTo(550);
        assertThat(hard.at("/smtp/enhancedCode").asText()).isEqualTo("5.1.1");
        assertThat(hard.at("/smtp/response").asText()).startsWith("550-5.1.1 The email");

        JsonNode block = CanonicalEvents.finish(json("""
                {"type": "message.bounced", "id": "e", "data": {"bounce": {"class": "block", "reason": "421 try later"}}}"""),
                ctx("demo", json("{}"))).get("data");
        assertThat(block.at("/bounce/type").asText()).as("type keeps its three values").isEqualTo("unknown");
        assertThat(block.at("/bounce").has("permanent")).as("a block says nothing of permanence").isFalse();
        assertThat(block.at("/smtp").toString()).isEqualTo("{\"code\":421,\"response\":\"421 try later\"}");

        JsonNode said = CanonicalEvents.finish(json("""
                {"type": "message.bounced", "id": "e", "data": {"bounce": {"type": "soft", "permanent": true,
                 "reason": "Mailbox full, 552 next time"}, "smtp": {"code": 452}}}"""), ctx("demo", json("{}"))).get("data");
        assertThat(said.at("/bounce/permanent").asBoolean()).as("what the mapping says stands").isTrue();
        assertThat(said.at("/smtp").toString()).isEqualTo("{\"code\":452}");
        JsonNode deferred = CanonicalEvents.finish(json("""
                {"type": "message.deferred", "id": "e", "data": {"smtp": {"response": "421-4.7.0 Try again later"}}}"""),
                ctx("demo", json("{}"))).get("data");
        assertThat(deferred.at("/smtp").toString())
                .isEqualTo("{\"response\":\"421-4.7.0 Try again later\",\"code\":421,\"enhancedCode\":\"4.7.0\"}");
        for (String notAReply : new String[] {"Mailbox full", "5501 not a code", "600 5.1.1 out of range", "550.5 x"}) {
            JsonNode none = CanonicalEvents.finish(json("{\"type\": \"message.bounced\", \"id\": \"e\", \"data\": {\"bounce\": {\"reason\": \""
                    + notAReply + "\"}}}"), ctx("demo", json("{}"))).get("data");
            assertThat(none.has("smtp")).as(notAReply).isFalse();
        }
    }

    @Test
    void theSchemaAsksARejectionForAReasonFromItsSet() {
        CanonicalEventValidator schema = new CanonicalEventValidator();
        String envelope = """
                {"specversion": "1.0", "id": "e", "source": "/providers/test/s", "type": "message.rejected",
                 "time": "2026-01-01T00:00:00Z", "datacontenttype": "application/json", "provider": "test",
                 "providerevent": "dropped", "recordedtime": "2026-01-01T00:00:00Z", "mappingversion": "3f0a7d76807a", "data": %s}""";
        assertThat(schema.violations(json(envelope.formatted("{\"reason\": \"unsubscribed\"}")))).isEmpty();
        assertThat(schema.violations(json(envelope.formatted("{\"reason\": \"Unsubscribed Address\"}")))).isNotEmpty();
        assertThat(schema.violations(json(envelope.formatted("{}")))).isNotEmpty();
        assertThat(schema.violations(json(envelope.replace("message.rejected", "contact.deleted").formatted("{\"reason\": \"gdpr request\"}"))))
                .as("reason is free text elsewhere").isEmpty();
        assertThat(schema.violations(json(envelope.replace("message.rejected", "message.bounced")
                .formatted("{\"bounce\": {\"class\": \"block\"}, \"smtp\": {\"code\": 550, \"enhancedCode\": \"5.1.1\"}, \"machine\": true}")))).isEmpty();
        assertThat(schema.violations(json(envelope.replace("message.rejected", "message.bounced")
                .formatted("{\"smtp\": {\"code\": \"550\"}}")))).isNotEmpty();
    }

    @Test
    void derivedIdIsStableAndTellsTenantsEventsAndPayloadsApart() {
        JsonNode payload = json("{\"dsid\": \"c1\", \"email\": \"a@b.test\"}");
        JsonNode reordered = json("{\"email\": \"a@b.test\", \"dsid\": \"c1\"}");
        String id = CanonicalEvents.derivedId("dailystory", "t1", "opted_in_to_email", payload);
        assertThat(id).hasSize(64).isEqualTo(CanonicalEvents.derivedId("dailystory", "t1", "opted_in_to_email", reordered));
        assertThat(id)
                .isNotEqualTo(CanonicalEvents.derivedId("dailystory", "t1", "opted_out_of_email", payload))
                .isNotEqualTo(CanonicalEvents.derivedId("dailystory", "t2", "opted_in_to_email", payload))
                .isNotEqualTo(CanonicalEvents.derivedId("dailystory", "t1", "opted_in_to_email", json("{\"dsid\": \"c2\"}")));
    }
}
