package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.system.PayloadParser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs golden samples through the mappings without starting anything: what the golden tests do,
 * as a command for whoever writes a mapping.
 *
 * <pre>java -cp ... io.tributary.mapping.GoldenCheck [provider] [--update]</pre>
 * reads {@code mappings/} and {@code samples/} from the working directory.
 */
public final class GoldenCheck {

    /** The webhook endpoint's own parser, with its default limits. */
    private static final PayloadParser PARSER = new PayloadParser(64);
    /** The webhook endpoint's default {@code tributary.ingest.max-batch}. */
    private static final int MAX_BATCH = 1000;

    private static final MappingCheck.Context CONTEXT =
            new MappingCheck.Context(GoldenSamples.SOURCE, GoldenSamples.TENANT, GoldenSamples.RECEIVED_AT);

    private final MappingCheck check;

    public GoldenCheck(EventNormalizer normalizer) {
        this.check = new MappingCheck(normalizer, PARSER, MAX_BATCH);
    }

    /** What the normalizer makes of one case, in the form of an expected file ({@link MappingCheck.Outcome#expectedForm}). */
    public JsonNode actual(GoldenSamples.Case c) {
        return check.run(c.provider(), c.body(), c.eventKey(), CONTEXT).expectedForm();
    }

    public static void main(String[] args) throws IOException {
        boolean update = List.of(args).contains("--update");
        String only = args.length > 0 && !args[0].startsWith("--") ? args[0] : null;
        MappingRegistry mappings = only == null ? MappingRegistry.load("file:mappings")
                : new MappingRegistry(java.util.Map.of(only, java.nio.file.Files.readString(Path.of("mappings", only, "mapping.jsonata"))));
        var check = new GoldenCheck(new EventNormalizer(mappings, new CanonicalEventValidator()));
        int passed = 0;
        int failed = 0;
        for (GoldenSamples.Case c : GoldenSamples.under(Path.of("samples"))) {
            if (only != null && !only.equals(c.provider())) {
                continue;
            }
            JsonNode actual = check.actual(c);
            if (update) {
                c.writeExpectation(actual);
            }
            JsonNode expected = c.expectation();
            if (expected.equals(actual)) {
                passed++;
            } else {
                failed++;
                System.out.println("FAIL " + c + "\n  expected: " + expected + "\n  actual:   " + actual);
            }
        }
        System.out.println(passed + " passed, " + failed + " failed");
        System.exit(failed == 0 ? 0 : 1);
    }
}
