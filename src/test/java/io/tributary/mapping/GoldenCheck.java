package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.EventContext;
import io.tributary.ingest.PayloadParser;
import io.tributary.system.ProblemException;
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

    private final EventNormalizer normalizer;

    public GoldenCheck(EventNormalizer normalizer) {
        this.normalizer = normalizer;
    }

    /**
     * What the normalizer makes of one case, in the form of an expected file: the event, or
     * {@code {"quarantined": reason}}, or {@code {"rejected": status}}; for a batch (a JSON array body,
     * or a payload the mapping makes several events of) an array of them, one per event in order.
     */
    public JsonNode actual(GoldenSamples.Case c) throws IOException {
        PayloadParser.Payloads payloads;
        try {
            payloads = PARSER.parsePayloads(c.body(), MAX_BATCH);
        } catch (ProblemException e) {
            return JsonNodeFactory.instance.objectNode().put("rejected", e.status());
        }
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (ObjectNode payload : payloads.items()) {
            var ctx = new EventContext(c.provider(), GoldenSamples.SOURCE, GoldenSamples.TENANT, c.eventKey(),
                    payload, GoldenSamples.RECEIVED_AT);
            for (Normalization result : normalizer.normalizeAll(ctx)) {
                all.add(expectationOf(result));
            }
        }
        return payloads.batch() || all.size() != 1 ? all : all.get(0);
    }

    private static JsonNode expectationOf(Normalization result) throws IOException {
        if (result instanceof Normalization.Quarantined q) {
            return JsonNodeFactory.instance.objectNode().put("quarantined", q.reason().code());
        }
        // As a subscriber would read it: numbers compare by value, not by the Java type JSONata made.
        return GoldenSamples.JSON.readTree(GoldenSamples.JSON.writeValueAsBytes(((Normalization.Normalized) result).event()));
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
