package io.tributary.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.SampleCases;
import io.tributary.canonical.SampleCases.SampleCase;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.MappingCheck;
import io.tributary.mapping.MappingRegistry;
import io.tributary.system.JsonDiff;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code test-mappings}: every sample of a samples folder through the mappings of a mappings folder,
 * as the webhook would take it, compared with its expected file; a field-by-field difference for each
 * case that fails, as {@code vector test} does for its mapping language. Starts no server.
 */
final class MappingsTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private MappingsTest() {
    }

    /**
     * @param update write each case's actual outcome as its expected file (then review the diff)
     * @return the exit status: 0 when every case passed, 1 when one failed
     */
    static int run(Path mappings, Path samples, List<String> providers, boolean update, PrintStream out) throws IOException {
        MappingRegistry registry = MappingRegistry.load("file:" + mappings.toAbsolutePath().normalize());
        MappingCheck check = MappingCheck.withWebhookDefaults(new EventNormalizer(registry, new CanonicalEventValidator()));
        int passed = 0;
        int failed = 0;
        for (SampleCase c : SampleCases.load(JSON, "file:" + samples.toAbsolutePath().normalize()).all()) {
            if (!providers.isEmpty() && !providers.contains(c.provider())) {
                continue;
            }
            if (!registry.knows(c.provider())) {
                failed++;
                out.println("FAIL " + c.provider() + "/" + c.name() + ": no mapping " + c.provider() + "/mapping.jsonata under " + mappings);
                continue;
            }
            JsonNode actual = check.run(c.provider(), c.body().getBytes(StandardCharsets.UTF_8), c.eventKey(), MappingCheck.Context.GOLDEN).expectedForm();
            if (update) {
                Files.writeString(samples.resolve(c.provider()).resolve(c.name() + ".expected.json"), JSON.writeValueAsString(actual) + "\n");
                passed++;
                continue;
            }
            List<JsonDiff.Difference> differences = JsonDiff.between(c.expected(), actual);
            if (differences.isEmpty()) {
                passed++;
                continue;
            }
            failed++;
            out.println("FAIL " + c.provider() + "/" + c.name());
            for (JsonDiff.Difference d : differences) {
                out.println("  " + (d.path().isEmpty() ? "/" : d.path()) + ": expected " + shown(d.expected()) + ", got " + shown(d.actual()));
            }
        }
        out.println((passed + failed) + " cases: " + passed + (update ? " written" : " passed") + ", " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static String shown(JsonNode value) {
        return value == null ? "(absent)" : value.toString();
    }
}
