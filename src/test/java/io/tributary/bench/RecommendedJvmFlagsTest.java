package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags Tributary is measured and tuned with are the same wherever it is started: the README's jar
 * command, {@code mvn spring-boot:run}, the Docker image and the load benchmark.
 */
class RecommendedJvmFlagsTest {

    private static final Pattern FLAG = Pattern.compile("-XX:[A-Za-z0-9]+(=[^\\s\",]+)?");

    @Test
    void theReadmeThePluginTheImageAndTheBenchmarkStartTheJvmAlike() throws Exception {
        List<String> measured = flags(LoadBenchmark.RECOMMENDED_JVM_FLAGS);
        assertThat(measured).as("the load benchmark's flags").isNotEmpty();

        String readmeJarCommand = Files.readString(Path.of("README.md")).lines()
                .filter(line -> line.startsWith("java ") && line.endsWith("-jar target/tributary-0.1.0-SNAPSHOT.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("the README's command that runs the jar"));
        assertThat(flags(readmeJarCommand)).as("the README's jar command").isEqualTo(measured);

        Matcher plugin = Pattern.compile("<jvmArguments>([^<]*)</jvmArguments>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(plugin.find()).as("spring-boot:run's jvmArguments in pom.xml").isTrue();
        assertThat(flags(plugin.group(1))).as("mvn spring-boot:run").isEqualTo(measured);

        String entrypoint = Files.readString(Path.of("docker/Dockerfile")).lines()
                .filter(line -> line.startsWith("ENTRYPOINT")).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile's ENTRYPOINT"));
        assertThat(flags(entrypoint)).as("the Docker image").isEqualTo(measured);
    }

    private static List<String> flags(String text) {
        return FLAG.matcher(text).results().map(match -> match.group()).toList();
    }
}
