package io.tributary.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.canonical.CanonicalEventValidator;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden sample through the mappings on JSONata4Java, without HTTP: fast, and the place to
 * regenerate expected files ({@code mvn test -Dtest=MappingGoldenTest -Dgolden.update=true}, then
 * review the diff).
 */
class MappingGoldenTest {

    private static final GoldenCheck CHECK = new GoldenCheck(
            new EventNormalizer(MappingRegistry.load("classpath*:mappings"), new CanonicalEventValidator()));

    static List<GoldenSamples.Case> cases() {
        return GoldenSamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sampleNormalizesToItsExpectedFile(GoldenSamples.Case c) throws IOException {
        JsonNode actual = CHECK.actual(c);
        if (Boolean.getBoolean("golden.update")) {
            c.writeExpectation(actual);
        }
        assertThat(actual).isEqualTo(c.expectation());
    }

    @Test
    void everyBuiltInProviderHasSamplesForManyCases() {
        List<String> providers = List.of("dailystory", "mailstand", "dailydraft", "workspace", "groupmail");
        for (String provider : providers) {
            assertThat(cases()).filteredOn(c -> c.provider().equals(provider)).as(provider).hasSizeGreaterThan(10);
        }
    }
}
