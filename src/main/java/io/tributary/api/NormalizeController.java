package io.tributary.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.ingest.PayloadParser;
import io.tributary.mapping.EventNormalizer;
import io.tributary.mapping.Normalization;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.system.ProblemException;
import java.time.Clock;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
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
    static final String DRY_RUN_SOURCE = "dry-run";

    private final EventNormalizer normalizer;
    private final PayloadParser parser;
    private final Clock clock = Clock.systemUTC();

    NormalizeController(EventNormalizer normalizer, PayloadParser parser) {
        this.normalizer = normalizer;
        this.parser = parser;
    }

    @PostMapping({"/api/v1/normalize/{provider}", "/api/v1/normalize/{provider}/{eventKey}"})
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The provider's webhook body, as it would send it",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))
    @ApiResponse(responseCode = "200", description = "The canonical event it becomes (CloudEvents 1.0, JSON)",
            content = @Content(mediaType = "application/cloudevents+json",
                    schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)))
    ResponseEntity<ObjectNode> normalize(@PathVariable String provider, @PathVariable(required = false) String eventKey,
                                         @RequestBody(required = false) byte[] body) {
        if (!normalizer.knows(provider)) {
            throw ProblemException.notFound("Unknown provider '" + provider + "'.");
        }
        ObjectNode payload = parser.parseObject(body);
        Normalization result = normalizer.normalize(
                new EventContext(provider, DRY_RUN_SOURCE, null, eventKey, payload, clock.instant()));
        if (result instanceof Quarantined q) {
            throw new ProblemAdvice.NotMapped(q);
        }
        return ResponseEntity.ok().contentType(CLOUDEVENTS).body(((Normalization.Normalized) result).event());
    }
}
