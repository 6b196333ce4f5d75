package io.tributary.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.EventContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every event says which mapping made it: the hash of the file, after its author's label if it has one. */
class MappingVersionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theVersionIsTheFilesHashAfterAnOptionalLabel() throws Exception {
        String text = "{ \"type\": \"contact.created\", \"providerevent\": kind, \"id\": id }";
        String hash = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 6);
        assertThat(MappingVersion.of(text)).isEqualTo(hash).hasSize(12);
        assertThat(MappingVersion.of(text + " ")).as("any change is another version").isNotEqualTo(hash);

        String labelled = "/* Acme shop.\n   @version 2026-12-spring */\n" + text;
        assertThat(MappingVersion.of(labelled)).startsWith("2026-12-spring+").hasSize("2026-12-spring+".length() + 12);
        assertThat(MappingVersion.of("\"@version nope\" & " + text)).as("only inside a comment").doesNotContain("+");
    }

    @Test
    void everyEventTheMappingMakesCarriesItsVersion() throws Exception {
        String text = "/* @version v7 */ [{ \"type\": \"contact.created\", \"providerevent\": kind, \"id\": id & \"-1\" },"
                + " { \"type\": \"contact.updated\", \"providerevent\": kind, \"id\": id & \"-2\" }]";
        EventNormalizer normalizer = new EventNormalizer(new MappingRegistry(Map.of("acme", text)), new CanonicalEventValidator());
        var results = normalizer.normalizeAll(new EventContext("acme", "s", "t", null,
                (ObjectNode) JSON.readTree("{\"kind\": \"k\", \"id\": \"e\"}"), Instant.now()));
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(((Normalization.Normalized) r).event().get("mappingversion").asText())
                .isEqualTo(MappingVersion.of(text)).startsWith("v7+"));
        assertThat(normalizer.mappingVersion("acme")).contains(MappingVersion.of(text));
    }
}
