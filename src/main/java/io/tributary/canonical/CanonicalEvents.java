package io.tributary.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.system.JsonPointers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Turns a mapping's output into a complete canonical event (CANONICAL.md).
 *
 * <p>A mapping says what the provider said: {@code type}, {@code providerevent}, and where the payload
 * has them {@code id}, {@code time}, {@code tenant}, {@code subject} and {@code data}. Everything that
 * holds for every provider is done here once, so that no mapping repeats it:
 * <ul>
 *   <li>the envelope: {@code specversion}, {@code source}, {@code provider}, {@code datacontenttype},
 *       {@code recordedtime}, the source's tenant when the payload names none;</li>
 *   <li>a stable {@code id} derived from the payload when the provider has no event id;</li>
 *   <li>{@code time} and every {@code data} field ending in {@code At} in RFC 3339 UTC;</li>
 *   <li>no null, empty-string or empty-object fields; ids as strings; emails trimmed; digit-only
 *       phone numbers in E.164; all but inside the provider's own objects ({@code attributes}, {@code changes});</li>
 *   <li>{@code subject} from the contact: its id, else its email, else its phone.</li>
 * </ul>
 */
public final class CanonicalEvents {

    /**
     * Objects kept exactly as the provider sent them, exempt from every rewrite: {@code attributes}
     * (the provider's whole contact object) and {@code changes} (where {@code "old": null} is a fact).
     */
    private static final java.util.Set<String> VERBATIM = java.util.Set.of("attributes", "changes");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern DIGITS = Pattern.compile("\\d{4,15}");
    /** An SMTP reply (RFC 5321 reply code, RFC 3463 enhanced status code) at the start of a text. */
    private static final Pattern SMTP_REPLY = Pattern.compile("^([245][0-5]\\d)(?:[ -]+([245]\\.\\d{1,3}\\.\\d{1,3}))?(?![\\d.])");
    private static final ObjectMapper SORTED = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private CanonicalEvents() {
    }

    /**
     * Builds the canonical event.
     *
     * @param mapped the mapping's output, with a non-blank {@code type}
     * @throws UnreadableTime when {@code time} or a {@code data} field ending in {@code At} is given but
     *                        names no instant
     */
    public static ObjectNode finish(ObjectNode mapped, EventContext ctx) {
        return finish(mapped, ctx, -1);
    }

    /**
     * Builds one of the events a mapping made of a payload as an array.
     *
     * @param part its place in the mapping's array, which tells the derived ids of a payload's events
     *             apart; -1 for the one event of a mapping that gave an object
     */
    public static ObjectNode finish(ObjectNode mapped, EventContext ctx, int part) {
        ObjectNode data = mapped.get("data") instanceof ObjectNode d ? d.deepCopy() : JSON.objectNode();
        normalizeData(data, new Pointer(null, "data"));
        prune(data);
        completeBounce(data);
        smtpFromReason(data);

        String providerEvent = text(mapped.get("providerevent"));
        if (providerEvent == null) {
            providerEvent = ctx.eventKey();
        }
        String tenant = text(mapped.get("tenant"));
        if (tenant == null) {
            tenant = ctx.sourceTenant();
        }
        String id = text(mapped.get("id"));
        if (id == null) {
            id = derivedId(ctx.provider(), tenant, part < 0 ? providerEvent : (providerEvent == null ? "" : providerEvent) + "#" + part, ctx.payload());
        }
        String subject = text(mapped.get("subject"));
        if (subject == null) {
            subject = subjectOf(data);
        }
        Instant recorded = ctx.receivedAt().truncatedTo(ChronoUnit.MILLIS);
        Instant time = Timestamps.parse(mapped.get("time"));
        if (time == null && Timestamps.given(mapped.get("time"))) {
            throw new UnreadableTime("/time");
        }

        ObjectNode event = JSON.objectNode();
        event.put("specversion", "1.0");
        event.put("id", id);
        event.put("source", "/providers/" + ctx.provider() + "/" + ctx.sourceId());
        event.put("type", text(mapped.get("type")));
        if (subject != null) {
            event.put("subject", subject);
        }
        event.put("time", Timestamps.format(time != null ? time : recorded));
        event.put("datacontenttype", "application/json");
        event.put("provider", ctx.provider());
        if (providerEvent != null) {
            event.put("providerevent", providerEvent);
        }
        if (tenant != null) {
            event.put("tenant", tenant);
        }
        event.put("recordedtime", Timestamps.format(recorded));
        event.set("data", data);
        return event;
    }

    /**
     * A bounce's {@code type} (hard, soft, unknown) and {@code class} (the same and {@code block}) say
     * the same thing, so a mapping gives either and the other follows; {@code permanent} follows from
     * hard (true) or soft (false) unless the mapping says otherwise.
     */
    private static void completeBounce(ObjectNode data) {
        if (!(data.get("bounce") instanceof ObjectNode bounce)) {
            return;
        }
        String type = text(bounce.get("type"));
        String kind = text(bounce.get("class"));
        if (kind == null && type != null) {
            kind = type;
            bounce.put("class", kind);
        }
        if (type == null && kind != null) {
            bounce.put("type", kind.equals("hard") || kind.equals("soft") ? kind : "unknown");
        }
        if (!bounce.has("permanent") && ("hard".equals(kind) || "soft".equals(kind))) {
            bounce.put("permanent", "hard".equals(kind));
        }
    }

    /**
     * An SMTP reply ({@code 550 5.1.1 mailbox does not exist}) says its reply code and enhanced status
     * code: from {@code smtp.response}, or else a {@code bounce.reason} that is one (then also the
     * response), {@code smtp} gets what the mapping did not give.
     */
    private static void smtpFromReason(ObjectNode data) {
        ObjectNode given = data.get("smtp") instanceof ObjectNode o ? o : null;
        String response = given == null ? null : text(given.get("response"));
        String reply = response != null ? response : given == null ? text(data.path("bounce").get("reason")) : null;
        if (reply == null) {
            return;
        }
        var codes = SMTP_REPLY.matcher(reply);
        if (!codes.find()) {
            return;
        }
        ObjectNode smtp = given != null ? given : data.putObject("smtp");
        if (!smtp.has("code")) {
            smtp.put("code", Integer.parseInt(codes.group(1)));
        }
        if (codes.group(2) != null && !smtp.has("enhancedCode")) {
            smtp.put("enhancedCode", codes.group(2));
        }
        if (response == null) {
            smtp.put("response", reply);
        }
    }

    /**
     * The event without what says when and how it was made rather than what happened:
     * {@code recordedtime}, {@code mappingversion}, {@code revision}. Two events equal in this are the
     * same fact (a shadow run's comparison, a replay's test for a correction).
     */
    public static ObjectNode withoutProvenance(ObjectNode event) {
        ObjectNode copy = event.deepCopy();
        copy.remove(java.util.List.of("recordedtime", "mappingversion", "revision"));
        return copy;
    }

    /**
     * The id of an event whose provider gives none: SHA-256 over provider, tenant, provider event and
     * the payload's canonical JSON (keys sorted). A provider retry of the same delivery gets the same
     * id; the same payload in another tenant, or under another event key, does not.
     */
    public static String derivedId(String provider, String tenant, String providerEvent, JsonNode payload) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {provider, tenant, providerEvent}) {
                sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            sha.update(canonicalJson(payload));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] canonicalJson(JsonNode payload) {
        try {
            Object tree = SORTED.treeToValue(payload, Object.class);
            return SORTED.writeValueAsBytes(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String subjectOf(ObjectNode data) {
        JsonNode contact = data.get("contact");
        if (contact == null) {
            return null;
        }
        for (String field : new String[] {"id", "email", "phone"}) {
            String value = text(contact.get(field));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** The node as a trimmed, non-empty string; numbers and booleans as their text; else {@code null}. */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode() || node.isContainerNode()) {
            return null;
        }
        String s = node.asText().trim();
        return s.isEmpty() ? null : s;
    }

    /**
     * Where a value sits in the event, as a JSON pointer made only when a time there is unreadable: made
     * for every field, the strings cost more than the checks.
     */
    private record Pointer(Pointer parent, String token) {
        @Override
        public String toString() {
            return (parent == null ? "" : parent.toString()) + "/" + token;
        }
    }

    private static void normalizeData(JsonNode node, Pointer path) {
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                normalizeData(array.get(i), new Pointer(path, Integer.toString(i)));
            }
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        Map<String, JsonNode> replaced = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (VERBATIM.contains(name)) {
                continue; // the provider's own object, kept as sent
            } else if (value.isContainerNode()) {
                normalizeData(value, new Pointer(path, JsonPointers.token(name)));
            } else if (value.isValueNode() && !value.isNull()) {
                JsonNode normalized = normalizeValue(name, value, path);
                if (normalized != value) {
                    if (replaced == null) {
                        replaced = new TreeMap<>();
                    }
                    replaced.put(name, normalized);
                }
            }
        }
        if (replaced != null) {
            replaced.forEach(object::set);
        }
    }

    /** @param parent where the field sits: its own pointer is made only if its time is unreadable */
    private static JsonNode normalizeValue(String name, JsonNode value, Pointer parent) {
        if ((name.equals("id") || name.endsWith("Id")) && value.isNumber()) {
            return TextNode.valueOf(value.asText());
        }
        if (!value.isTextual()) {
            if (name.endsWith("At") && value.isNumber()) {
                return timeAt(value, parent, name);
            }
            return value;
        }
        String s = value.textValue();
        if (name.equals("email")) {
            return TextNode.valueOf(s.trim());
        }
        if (name.equals("phone")) {
            String trimmed = s.trim();
            return TextNode.valueOf(DIGITS.matcher(trimmed).matches() ? "+" + trimmed : trimmed);
        }
        if (name.endsWith("At")) {
            return s.isBlank() ? value : timeAt(value, parent, name);
        }
        return value;
    }

    private static JsonNode timeAt(JsonNode value, Pointer parent, String name) {
        Instant at = Timestamps.parse(value);
        if (at == null) {
            throw new UnreadableTime(new Pointer(parent, JsonPointers.token(name)).toString());
        }
        return TextNode.valueOf(Timestamps.format(at));
    }

    /** Removes null, blank-string and empty-object fields, bottom-up (an object emptied by it goes too). */
    static boolean prune(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().removeIf(e -> VERBATIM.contains(e.getKey()) ? e.getValue().isNull() : prune(e.getValue()));
            return object.isEmpty();
        }
        if (node instanceof ArrayNode array) {
            for (int i = array.size() - 1; i >= 0; i--) {
                JsonNode item = array.get(i);
                if (item.isNull() || (item.isContainerNode() && prune(item) && item.isObject())) {
                    array.remove(i);
                }
            }
            return false; // an empty list is a fact ("no tags"), not a missing one
        }
        return node == null || node.isNull() || node.isMissingNode()
                || (node.isTextual() && node.textValue().isBlank());
    }
}
