package io.tributary.system;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Field-level differences between two JSON values, by JSON Pointer: what a reader compares, not a text diff. */
public final class JsonDiff {

    /**
     * One difference: the value expected and the value found at {@code path}; a side is null where that
     * field is absent.
     */
    public record Difference(String path, JsonNode expected, JsonNode actual) {
    }

    private JsonDiff() {
    }

    /** Every field where they differ, objects compared field by field and arrays item by item; empty when equal. */
    public static List<Difference> between(JsonNode expected, JsonNode actual) {
        List<Difference> out = new ArrayList<>();
        walk("", expected, actual, out);
        return out;
    }

    private static void walk(String path, JsonNode expected, JsonNode actual, List<Difference> out) {
        if (expected != null && actual != null && expected.isObject() && actual.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                walk(path + "/" + JsonPointers.token(name), expected.get(name), actual.get(name), out);
            }
        } else if (expected != null && actual != null && expected.isArray() && actual.isArray()) {
            Iterator<JsonNode> e = expected.elements();
            Iterator<JsonNode> a = actual.elements();
            for (int i = 0; e.hasNext() || a.hasNext(); i++) {
                walk(path + "/" + i, e.hasNext() ? e.next() : null, a.hasNext() ? a.next() : null, out);
            }
        } else if (!same(expected, actual)) {
            out.add(new Difference(path.isEmpty() ? "/" : path, expected, actual));
        }
    }

    /** Equal values; numbers by value, so 1 and 1.0 (what a subscriber's parser makes of both) are the same. */
    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }
}
