package io.tributary.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.ingest.IngestProperties;
import io.tributary.canonical.EventContext;
import io.tributary.system.PayloadParser;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.system.ProblemException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Dry run: what a provider payload becomes, without storing or deduplicating anything. The source is
 * {@code dry-run}; the tenant is what the payload says, if anything.
 */
@RestController
class NormalizeController {

    static final MediaType CLOUDEVENTS = MediaType.parseMediaType("application/cloudevents+json");
    static final MediaType CLOUDEVENTS_BATCH = MediaType.parseMediaType("application/cloudevents-batch+json");
    static final String DRY_RUN_SOURCE = "dry-run";

    private final EventNormalizer normalizer;
    private final PayloadParser parser;
    private final int maxBatch;
    private final Clock clock = Clock.systemUTC();

    NormalizeController(EventNormalizer normalizer, PayloadParser parser, IngestProperties ingest) {
        this.normalizer = normalizer;
        this.parser = parser;
        this.maxBatch = ingest.maxBatch();
    }

    @PostMapping({"/api/v1/normalize/{provider}", "/api/v1/normalize/{provider}/{eventKey}"})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The provider's webhook body, as it would send it",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))
    @ApiResponse(responseCode = "200", description = "The canonical event it becomes (CloudEvents 1.0, JSON); for a batch "
            + "(a JSON array body, or a payload its mapping makes several events of) the events, in order (CloudEvents JSON batch)",
            content = {@Content(mediaType = "application/cloudevents+json",
                    schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)),
                @Content(mediaType = "application/cloudevents-batch+json", array = @ArraySchema(
                    schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))})
    ResponseEntity<JsonNode> normalize(@PathVariable String provider, @PathVariable(required = false) String eventKey,
                                       @RequestBody(required = false) byte[] body) {
        if (!normalizer.knows(provider)) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
        PayloadParser.Payloads payloads = parser.parsePayloads(body, maxBatch);
        List<Normalization> results = new ArrayList<>();
        for (ObjectNode payload : payloads.items()) {
            results.addAll(normalizer.normalizeAll(new EventContext(provider, DRY_RUN_SOURCE, null, eventKey, payload, clock.instant())));
        }
        boolean batch = payloads.batch() || results.size() != 1;
        ArrayNode events = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof Quarantined q) {
                throw new ProblemAdvice.NotMapped(q, batch ? i : null);
            }
            events.add(((Normalization.Normalized) results.get(i)).event());
        }
        return batch ? ResponseEntity.ok().contentType(CLOUDEVENTS_BATCH).body(events)
                : ResponseEntity.ok().contentType(CLOUDEVENTS).body(events.get(0));
    }
}
