package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.system.PayloadParser;

/**
 * Golden samples through the mappings, for the golden tests, in the form of their expected files
 * ({@link MappingCheck}, which {@code java -jar tributary.jar test-mappings} uses too).
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
}
