package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.system.PayloadParser;
import io.tributary.ingest.IngestProperties;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.MappingCheck;
import io.tributary.mapping.Normalization;
import io.tributary.canonical.SampleCases;
import io.tributary.canonical.SampleCases.SampleCase;
import io.tributary.system.JsonDiff;
import io.tributary.system.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The mapping playground: a provider's live mapping and golden samples, and a try of a payload (a
 * sample's, or pasted) through the live mapping or through a text being written, with the difference
 * from the sample's expected file. Stores, deduplicates and delivers nothing.
 */
@RestController
class PlaygroundController {

    private final EventNormalizer normalizer;
    private final SampleCases samples;
    private final PayloadParser parser;
    private final int maxBatch;
    private final Clock clock = Clock.systemUTC();

    PlaygroundController(EventNormalizer normalizer, SampleCases samples, PayloadParser parser, IngestProperties ingest) {
        this.normalizer = normalizer;
        this.samples = samples;
        this.parser = parser;
        this.maxBatch = ingest.maxBatch();
    }

    /**
     * A provider's mapping as loaded, its version (what the events it makes carry as
     * {@code mappingversion}), and the names of its golden samples.
     */
    record ProviderMappingView(String provider, String mapping, String version, List<String> samples) {
    }

    @GetMapping("/api/v1/mappings/{provider}")
    ProviderMappingView mapping(@PathVariable String provider) {
        String text = normalizer.mappingText(provider).orElseThrow(() -> ProblemException.notFound("Unknown provider '" + provider + "'."));
        return new ProviderMappingView(provider, text, normalizer.mappingVersion(provider).orElseThrow(),
                samples.of(provider).stream().map(SampleCase::name).toList());
    }

    /** One golden sample: the provider's body, its event key, and the expected file. */
    @GetMapping("/api/v1/mappings/{provider}/samples/{name}")
    SampleCase sample(@PathVariable String provider, @PathVariable String name) {
        return samples.find(provider, name).orElseThrow(() -> ProblemException.notFound("No sample '" + name + "' of '" + provider + "'."));
    }

    /**
     * A try: {@code body} (the provider's request body, as text; or the sample's when left out),
     * {@code eventKey}, {@code sample} (a golden sample's name: its body, event key and expected file,
     * in the golden tests' context: source {@code demo}, received 2026-01-01), {@code mapping} (a
     * mapping text to try instead of the live one).
     */
    record TryRequest(String body, String eventKey, String sample, String mapping) {
    }

    /**
     * What the payload became. {@code outcome} is {@code event} (with {@code event}), {@code quarantined}
     * (with {@code reason}, {@code detail} and {@code providerevent}), {@code batch} (several events:
     * {@code actual} has each) or {@code rejected} (the webhook would answer {@code status} with {@code detail}); {@code actual} is that outcome in an expected
     * file's form, {@code differences} its fields that differ from the sample's expected file.
     */
    record TryResult(String outcome, ObjectNode event, String reason, String detail, String providerevent, Integer status,
                     JsonNode actual, JsonNode expected, List<JsonDiff.Difference> differences, Boolean asExpected) {
    }

    @PostMapping("/api/v1/mappings/{provider}/try")
    TryResult tryIt(@PathVariable String provider, @RequestBody(required = false) TryRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("A JSON object is expected: body, eventKey, sample, mapping.");
        }
        SampleCase sample = request.sample() == null ? null : samples.find(provider, request.sample())
                .orElseThrow(() -> ProblemException.invalidField("sample", "no sample '" + request.sample() + "' of '" + provider + "'."));
        EventNormalizer using = normalizer;
        if (request.mapping() != null && !request.mapping().isBlank()) {
            try {
                using = normalizer.trying(provider, request.mapping());
            } catch (IllegalStateException e) {
                throw ProblemException.invalidField("mapping", e.getMessage());
            }
        } else if (!normalizer.knows(provider)) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
        String body = request.body() != null ? request.body() : sample != null ? sample.body() : null;
        if (body == null) {
            throw ProblemException.invalidField("body", "give the provider's body, or a sample.");
        }
        String eventKey = request.eventKey() != null && !request.eventKey().isBlank() ? request.eventKey()
                : sample != null ? sample.eventKey() : null;
        TryResult result = run(using, provider, body, eventKey, sample != null);
        if (sample == null) {
            return result;
        }
        List<JsonDiff.Difference> differences = JsonDiff.between(sample.expected(), result.actual());
        return new TryResult(result.outcome(), result.event(), result.reason(), result.detail(), result.providerevent(), result.status(),
                result.actual(), sample.expected(), differences, differences.isEmpty());
    }

    private TryResult run(EventNormalizer using, String provider, String body, String eventKey, boolean goldenContext) {
        MappingCheck.Context context = goldenContext
                ? MappingCheck.Context.GOLDEN
                : new MappingCheck.Context(NormalizeController.DRY_RUN_SOURCE, null, clock.instant());
        MappingCheck.Outcome outcome = new MappingCheck(using, parser, maxBatch)
                .run(provider, body.getBytes(StandardCharsets.UTF_8), eventKey, context);
        JsonNode actual = outcome.expectedForm();
        if (outcome.rejected() != null) {
            return new TryResult("rejected", null, null, outcome.detail(), null, outcome.rejected(), actual, null, null, null);
        }
        if (outcome.batch()) {
            return new TryResult("batch", null, null, null, null, null, actual, null, null, null);
        }
        Normalization result = outcome.results().get(0);
        if (result instanceof Normalization.Quarantined q) {
            return new TryResult("quarantined", null, q.reason().code(), q.detail(), q.providerEvent(), null, actual, null, null, null);
        }
        return new TryResult("event", ((Normalization.Normalized) result).event(), null, null, null, null, actual, null, null, null);
    }
}
