package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The built jar runs its mapping tools without starting a server. */
class MappingToolsIT {

    @Test
    void theJarTestsTheRepositorysMappingsAgainstItsSamples() throws Exception {
        Process tool = new ProcessBuilder(BuiltJar.javaBin(), "-jar", BuiltJar.path().toString(), "test-mappings")
                .redirectErrorStream(true).start();
        assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tool.exitValue()).as(out).isZero();
        assertThat(out).containsPattern("\\d+ cases: \\d+ passed, 0 failed").doesNotContain("Started TributaryApplication");
    }
}
