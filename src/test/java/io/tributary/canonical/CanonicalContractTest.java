package io.tributary.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/canonical-event.md and the JSON Schema say the same thing: subscribers read the page, the
 * normalizer enforces the schema, and neither may drift from the other or from what the mappings make.
 */
class CanonicalContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    private static String page;
    private static JsonNode schema;

    @BeforeAll
    static void read() throws IOException {
        page = Files.readString(Path.of("docs/canonical-event.md"));
        try (InputStream in = CanonicalContractTest.class.getResourceAsStream(CanonicalEventValidator.SCHEMA)) {
            schema = JSON.readTree(in);
        }
    }

    /** The rows of the first table after the heading that starts with {@code heading}: first cell → the rest. */
    private static Map<String, String> table(String heading) {
        List<String> lines = page.lines().toList();
        int i = 0;
        while (!lines.get(i).startsWith(heading)) {
            i++;
        }
        while (!lines.get(i).startsWith("|")) {
            i++;
        }
        Map<String, String> rows = new LinkedHashMap<>();
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            int split = line.indexOf(" | ", 1);
            rows.put(line.substring(1, split).trim(), line.substring(split + 3));
        }
        return rows;
    }

    private static Set<String> names(String cell) {
        Set<String> out = new TreeSet<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every name the first column of a table gives, mapped to its row's text. */
    private static Map<String, String> byName(String heading) {
        Map<String, String> out = new LinkedHashMap<>();
        table(heading).forEach((first, rest) -> names(first).forEach(n -> out.put(n, rest)));
        return out;
    }

    private static Set<String> fieldNames(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : schema.at(ref.asText().substring(1));
    }

    @Test
    void theEnvelopeTableNamesEveryAttributeOfTheSchema() {
        assertThat(byName("## Envelope").keySet()).containsExactlyInAnyOrderElementsOf(fieldNames(schema.get("properties")));
    }

    @Test
    void theCatalogIsTheSchemasTypes() {
        Set<String> types = new TreeSet<>();
        schema.at("/properties/type/enum").forEach(t -> types.add(t.asText()));
        assertThat(byName("## Catalog").keySet()).containsExactlyInAnyOrderElementsOf(types);
        assertThat(byName("## What a message's outcome means").keySet()).allSatisfy(t -> assertThat(types).contains(t));
    }

    @Test
    void theDataTableNamesEveryFieldItsPartsAndValues() {
        Map<String, String> rows = byName("## `data`");
        JsonNode data = schema.at("/properties/data/properties");
        assertThat(rows.keySet()).containsExactlyInAnyOrderElementsOf(fieldNames(data));
        for (String field : fieldNames(data)) {
            JsonNode spec = resolve(data.get(field));
            Set<String> said = names(rows.get(field));
            if (spec.has("properties") && !data.get(field).has("$ref")) {
                assertThat(said).as("the parts of data.%s", field).containsAll(fieldNames(spec.get("properties")));
                spec.get("properties").forEach(part -> enumValues(resolve(part))
                        .forEach(v -> assertThat(said).as("a value of a part of data.%s", field).contains(v)));
            }
            enumValues(spec).forEach(v -> assertThat(said).as("a value of data.%s", field).contains(v));
        }
        enumValues(schema.at("/$defs/rejectReason")).forEach(v -> assertThat(names(rows.get("reason"))).contains(v));
    }

    private static List<String> enumValues(JsonNode spec) {
        List<String> out = new ArrayList<>();
        spec.path("enum").forEach(v -> out.add(v.asText()));
        return out;
    }

    @Test
    void everyExampleOnThePageIsAValidEvent() throws IOException {
        CanonicalEventValidator validator = new CanonicalEventValidator();
        Matcher m = JSON_BLOCK.matcher(page);
        int examples = 0;
        while (m.find()) {
            assertThat(validator.violations(JSON.readTree(m.group(1)))).as(m.group(1)).isEmpty();
            examples++;
        }
        assertThat(examples).isPositive();
    }

    /** What the mappings make, as their golden samples show it, is all named by the contract. */
    @Test
    void everyDataFieldTheMappingsMakeIsInTheContract() throws IOException {
        JsonNode data = schema.at("/properties/data/properties");
        try (Stream<Path> files = Files.walk(Path.of("samples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".expected.json")).toList()) {
                JsonNode event = JSON.readTree(file.toFile());
                event.path("data").fields().forEachRemaining(field -> {
                    assertThat(data.has(field.getKey())).as("%s: data.%s", file, field.getKey()).isTrue();
                    JsonNode parts = resolve(data.get(field.getKey())).get("properties");
                    if (parts != null && field.getValue().isObject() && !data.get(field.getKey()).has("$ref")) {
                        assertThat(fieldNames(parts)).as("%s: data.%s", file, field.getKey()).containsAll(fieldNames(field.getValue()));
                    }
                });
            }
        }
    }
}
