package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Event keys: unique per source, safe in a URL whatever the id holds, and in the provider's order within a source. */
class EventKeysTest {

    @Test
    void theSameIdFromTwoSourcesIsTwoKeysAndAKeyIsStable() {
        String a = EventKeys.of("mailstand", "acme", "evt_1");
        assertThat(a).isEqualTo(EventKeys.of("mailstand", "acme", "evt_1"));
        assertThat(a).isNotEqualTo(EventKeys.of("mailstand", "other", "evt_1"))
                .isNotEqualTo(EventKeys.of("dailydraft", "acme", "evt_1"));
        assertThat(a).matches("[0-9a-f]{12}\\.evt_1");
    }

    @Test
    void anIdThatIsNotUrlSafeOrTooLongIsHashed() {
        for (String id : List.of("evt/1", "evt 1", "évt", "e".repeat(201), "x\r\ny")) {
            assertThat(EventKeys.of("mailstand", "acme", id)).as(id).matches("[0-9a-f]{12}~[0-9a-f]{64}");
        }
        assertThat(EventKeys.of("mailstand", "acme", "e".repeat(200))).hasSize(213);
        // a readable id that looks like a hashed key's tail is still another key than that hash
        String hashed = EventKeys.of("mailstand", "acme", "evt/1");
        assertThat(EventKeys.of("mailstand", "acme", hashed.substring(13))).isNotEqualTo(hashed);
    }

    @Test
    void keysOfOneSourceKeepTheProvidersOrder() {
        List<String> keys = new ArrayList<>();
        for (int i = 100; i < 200; i++) {
            keys.add(EventKeys.of("mailstand", "acme", "evt_" + i));
        }
        assertThat(keys).isSorted();
    }

    @Test
    void theTagIsSha256OfProviderAndSourceWhetherKeptOrNot() throws Exception {
        for (int source = 0; source < 5_000; source++) { // past the tags kept, each is computed again
            String sourceId = "tagged-" + source;
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            String expected = java.util.HexFormat.of().formatHex(
                    sha.digest(("mailstand\0" + sourceId).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 6);
            assertThat(EventKeys.of("mailstand", sourceId, "evt_1")).isEqualTo(expected + ".evt_1");
            assertThat(EventKeys.of("mailstand", sourceId, "evt 1")).startsWith(expected + "~");
        }
    }
}
