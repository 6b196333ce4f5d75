package io.tributary.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * Checks events against {@code schema/canonical-event.schema.json}, the contract of CANONICAL.md.
 * The schema is loaded once; validation is thread-safe.
 */
public final class CanonicalEventValidator {

    public static final String SCHEMA = "/schema/canonical-event.schema.json";

    private final JsonSchema schema;

    public CanonicalEventValidator() {
        try (InputStream in = CanonicalEventValidator.class.getResourceAsStream(SCHEMA)) {
            if (in == null) {
                throw new IllegalStateException(SCHEMA + " is not on the classpath");
            }
            this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations, each as {@code path: message}; empty when the event is valid. */
    public List<String> violations(JsonNode event) {
        Set<ValidationMessage> messages = schema.validate(event);
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
