package io.tributary.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** JSON Pointers (RFC 6901): building them, and finding where a document holds a value. */
public final class JsonPointers {

    private JsonPointers() {
    }

    /** A field name as one reference token: {@code ~} and {@code /} escaped. */
    public static String token(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    /**
     * The pointer of the first scalar in {@code document} (depth first, in document order) equal to
     * {@code value}, or {@code null} when there is none or {@code value} is not a scalar.
     */
    public static String firstHolding(JsonNode document, JsonNode value) {
        if (value == null || value.isMissingNode() || value.isContainerNode()) {
            return null;
        }
        return find(document, value, "");
    }

    private static String find(JsonNode node, JsonNode value, String path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String found = find(field.getValue(), value, path + "/" + token(field.getKey()));
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = find(node.get(i), value, path + "/" + i);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return node.equals(value) ? path : null;
    }
}
