package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.system.JsonPointers;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which payload fields a mapping reads, by name: the names its text uses as paths (identifiers and
 * {@code `quoted names`}, not its string literals, which are mostly the keys and values it writes).
 * A payload field is read when every name on its path is; one that is not is drift worth a look (a
 * field the provider added, or renamed). By name, so a field copied whole with its parent, or a name
 * used for another field, counts as read: it finds the unread, and may miss some.
 */
public final class FieldsRead {

    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern QUOTED = Pattern.compile("`([^`]+)`");
    private static final Pattern NAME = Pattern.compile("(?<![$\\w])[A-Za-z_][A-Za-z0-9_]*");

    private FieldsRead() {
    }

    /** The names a mapping's text reads. */
    public static Set<String> of(String mapping) {
        String code = STRING.matcher(COMMENT.matcher(mapping).replaceAll(" ")).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher quoted = QUOTED.matcher(code);
        while (quoted.find()) {
            names.add(quoted.group(1));
        }
        Matcher name = NAME.matcher(QUOTED.matcher(code).replaceAll(" "));
        while (name.find()) {
            names.add(name.group());
        }
        return names;
    }

    /** The payload's leaf fields (JSON Pointers, array items as {@code *}) some name of which the mapping does not read. */
    public static Set<String> unread(JsonNode payload, Set<String> read) {
        Set<String> out = new TreeSet<>();
        walk(payload, "", true, read, out);
        return out;
    }

    private static void walk(JsonNode node, String path, boolean allRead, Set<String> read, Set<String> out) {
        if (node.isObject()) {
            if (node.isEmpty() && !allRead) {
                out.add(path);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                walk(f.getValue(), path + "/" + JsonPointers.token(f.getKey()), allRead && read.contains(f.getKey()), read, out);
            }
        } else if (node.isArray() && !node.isEmpty()) {
            for (JsonNode item : node) {
                walk(item, path + "/*", allRead, read, out);
            }
        } else if (!allRead) {
            out.add(path);
        }
    }
}
