package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The golden samples: {@code samples/<provider>/<case>.json} (the provider payload, byte for byte)
 * beside {@code <case>.expected.json}, and optionally {@code <case>.request.json}
 * ({@code {"eventKey": "..."}}) for the part of the request that is not the body.
 *
 * <p>An expected file is one of: a canonical event (has {@code specversion}); {@code {"quarantined":
 * "<reason>"}}; or {@code {"rejected": <status>}} for a body the webhook endpoint refuses.
 * Expected events are written as received at {@link #RECEIVED_AT} through the source {@code demo}
 * with tenant {@code demo}; comparators mask {@code recordedtime}, and {@code time} where it is the
 * receive time.
 */
public final class GoldenSamples {

    public static final Instant RECEIVED_AT = io.tributary.canonical.SampleCases.RECEIVED_AT;
    public static final String SOURCE = io.tributary.canonical.SampleCases.SOURCE;
    public static final String TENANT = io.tributary.canonical.SampleCases.TENANT;
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One sample case. */
    public record Case(String provider, String name, Path payload, Path expected, String eventKey) {

        public byte[] body() {
            try {
                return Files.readAllBytes(payload);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public JsonNode expectation() {
            try {
                return JSON.readTree(expected.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public void writeExpectation(JsonNode actual) {
            try {
                Files.writeString(expected, JSON.writeValueAsString(actual) + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return provider + "/" + name;
        }
    }

    private GoldenSamples() {
    }

    /** The built-in samples and the test-only provider's. */
    public static List<Case> all() {
        return under(Path.of("samples"), Path.of("src/test/resources/samples"));
    }

    /** Every case under the given sample roots (each holds one folder per provider). */
    public static List<Case> under(Path... roots) {
        List<Case> cases = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root, 2)) {
                files.filter(p -> p.getFileName().toString().endsWith(".expected.json")).sorted().forEach(expected -> {
                    String file = expected.getFileName().toString();
                    String name = file.substring(0, file.length() - ".expected.json".length());
                    Path dir = expected.getParent();
                    cases.add(new Case(dir.getFileName().toString(), name, dir.resolve(name + ".json"),
                            expected, eventKey(dir.resolve(name + ".request.json"))));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cases;
    }

    private static String eventKey(Path request) {
        if (!Files.exists(request)) {
            return null;
        }
        try {
            JsonNode key = JSON.readTree(request.toFile()).get("eventKey");
            return key == null || key.isNull() ? null : key.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of an actual event with the fields that vary between runs replaced: {@code recordedtime}
     * always, {@code time} where it is the receive time (the payload had none); without
     * {@code mappingversion}, which every edit of the mapping changes (expected files leave it out).
     */
    public static JsonNode masked(JsonNode event) {
        if (!(event instanceof ObjectNode object) || !object.has("specversion")) {
            return event;
        }
        ObjectNode copy = object.deepCopy();
        if (copy.path("time").equals(copy.path("recordedtime"))) {
            copy.put("time", "<received>");
        }
        copy.put("recordedtime", "<received>");
        copy.remove("mappingversion");
        return copy;
    }
}
