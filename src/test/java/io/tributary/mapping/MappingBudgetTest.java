package io.tributary.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.canonical.CanonicalEventValidator;
import io.tributary.canonical.EventContext;
import io.tributary.mapping.Normalization.Quarantined;
import io.tributary.mapping.Normalization.Reason;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A mapping that goes over its budget on one payload quarantines that payload as {@code mapping_error},
 * with the reason, and the next payload maps as before: never a silent drop, never a pinned thread.
 */
class MappingBudgetTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"$pad('', 10000000)", "$string($count([1..10000000]))", "$match(subject, /(.*a){20}$/).match",
            "($f := function($x) { $f($x) }; $f(subject))"})
    void aMappingOverItsBudgetQuarantinesThePayload(String hostileId) throws Exception {
        String mapping = "{'type': subject = 'ok' ? 'message.clicked' : 'message.opened', 'id': subject = 'ok' ? 'fine' : " + hostileId
                + ", 'providerevent': 'click', 'subject': 'x', 'data': {}}";
        EventNormalizer normalizer = new EventNormalizer(new MappingRegistry(Map.of("hostile", mapping)), new CanonicalEventValidator());

        Normalization result = normalizer.normalize(new EventContext("hostile", "demo", "demo", null,
                JSON.readTree("{\"subject\": \"" + "a".repeat(40) + "!\"}"), Instant.now()));

        assertThat(result).isInstanceOf(Quarantined.class);
        Quarantined quarantined = (Quarantined) result;
        assertThat(quarantined.reason()).isEqualTo(Reason.MAPPING_ERROR);
        assertThat(quarantined.detail()).startsWith("hostile mapping went over its budget: ");
        Normalization next = normalizer.normalize(new EventContext("hostile", "demo", "demo", null,
                JSON.readTree("{\"subject\": \"ok\"}"), Instant.now()));
        assertThat(next).isInstanceOf(Normalization.Normalized.class);
    }
}
