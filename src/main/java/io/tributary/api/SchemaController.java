package io.tributary.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.canonical.CanonicalEventValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The canonical event's contract as subscribers code against it: the JSON Schema every event is
 * checked against, and the page (docs/canonical-event.md) that explains it, both as built into this
 * jar, so they are the ones this Tributary applies.
 */
@RestController
class SchemaController {

    static final String SCHEMA_TYPE = "application/schema+json";
    static final String CONTRACT = "/contract/canonical-event.md";

    private final ObjectNode schema;
    private final String contract;

    SchemaController(ObjectMapper json) {
        this.schema = read(CanonicalEventValidator.SCHEMA, in -> (ObjectNode) json.readTree(in));
        this.contract = read(CONTRACT, in -> new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }

    private interface Reader<T> {
        T read(InputStream in) throws IOException;
    }

    private static <T> T read(String resource, Reader<T> reader) {
        try (InputStream in = SchemaController.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation(summary = "The canonical event's JSON Schema (draft 2020-12); its page is linked as describedby")
    @ApiResponse(responseCode = "200", description = "A JSON Schema (draft 2020-12) document",
            content = {@Content(mediaType = SCHEMA_TYPE, schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE)),
                @Content(mediaType = "application/json", schema = @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE))})
    @GetMapping(value = "/api/v1/schema", produces = {SCHEMA_TYPE, "application/json"})
    ResponseEntity<ObjectNode> schema() {
        return ResponseEntity.ok()
                .header(HttpHeaders.LINK, "</api/v1/schema/contract>; rel=\"describedby\"; type=\"text/markdown\"")
                .body(schema);
    }

    @Operation(summary = "The canonical event's contract, docs/canonical-event.md")
    @GetMapping(value = "/api/v1/schema/contract", produces = "text/markdown;charset=UTF-8")
    String contract() {
        return contract;
    }
}
