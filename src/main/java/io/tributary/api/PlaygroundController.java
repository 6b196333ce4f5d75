package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.ingest.PayloadParser;
import io.tributary.mapping.EventNormalizer;
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
    private final ObjectMapper json;
    private final Clock clock = Clock.systemUTC();

    PlaygroundController(EventNormalizer normalizer, SampleCases samples, PayloadParser parser, ObjectMapper json) {
        this.normalizer = normalizer;
        this.samples = samples;
        this.parser = parser;
        this.json = json;
    }

    /** A provider's mapping as loaded, and the names of its golden samples. */
    record ProviderMappingView(String provider, String mapping, List<String> samples) {
    }

    @GetMapping("/api/v1/mappings/{provider}")
    ProviderMappingView mapping(@PathVariable String provider) {
        String text = normalizer.mappingText(provider).orElseThrow(() -> ProblemException.notFound("Unknown provider '" + provider + "'."));
        return new ProviderMappingView(provider, text, samples.of(provider).stream().map(SampleCase::name).toList());
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
     * (with {@code reason}, {@code detail} and {@code providerevent}) or {@code rejected} (the webhook
     * would answer {@code status} with {@code detail}); {@code actual} is that outcome in an expected
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
        ObjectNode payload;
        try {
            payload = parser.parseObject(body.getBytes(StandardCharsets.UTF_8));
        } catch (ProblemException e) {
            return new TryResult("rejected", null, null, e.getMessage(), null, e.status(),
                    json.createObjectNode().put("rejected", e.status()), null, null, null);
        }
        EventContext context = goldenContext
                ? new EventContext(provider, SampleCases.SOURCE, SampleCases.TENANT, eventKey, payload, SampleCases.RECEIVED_AT)
                : new EventContext(provider, NormalizeController.DRY_RUN_SOURCE, null, eventKey, payload, clock.instant());
        Normalization result = using.normalize(context);
        if (result instanceof Normalization.Quarantined q) {
            return new TryResult("quarantined", null, q.reason().code(), q.detail(), q.providerEvent(), null,
                    json.createObjectNode().put("quarantined", q.reason().code()), null, null, null);
        }
        ObjectNode event = ((Normalization.Normalized) result).event();
        try {
            // as a subscriber reads it: numbers by value, not by the Java type the mapping made
            return new TryResult("event", event, null, null, null, null, json.readTree(json.writeValueAsBytes(event)), null, null, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
