package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Golden samples through the mappings, for the golden tests, in the form of their expected files
 * ({@link MappingCheck}, which {@code java -jar tributary.jar test-mappings} uses too).
 */
public final class GoldenCheck {

    private final MappingCheck check;

    public GoldenCheck(EventNormalizer normalizer) {
        this.check = MappingCheck.withWebhookDefaults(normalizer);
    }

    /** What the normalizer makes of one case, in the form of an expected file ({@link MappingCheck.Outcome#expectedForm}). */
    public JsonNode actual(GoldenSamples.Case c) {
        return check.run(c.provider(), c.body(), c.eventKey(), MappingCheck.Context.GOLDEN).expectedForm();
    }
}
