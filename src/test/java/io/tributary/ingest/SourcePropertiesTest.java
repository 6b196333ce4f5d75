package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import io.tributary.ingest.SourceProperties.Source;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourcePropertiesTest {

    private static Source source(String tenant, String tenantFrom) {
        return new Source(List.of("mailstand"), tenant, tenantFrom, null, null, null, null);
    }

    @Test
    void tenantFromConfigNeedsATenantAndNothingElseIsKnown() {
        assertThatThrownBy(() -> source(null, "config").validate("s1")).hasMessageContaining("source 's1'");
        assertThatThrownBy(() -> source("t", "header").validate("s2")).hasMessageContaining("source 's2'");
        assertThatNoException().isThrownBy(() -> source("t", "config").validate("s3"));
        assertThatNoException().isThrownBy(() -> source(null, null).validate("s4"));
    }
}
