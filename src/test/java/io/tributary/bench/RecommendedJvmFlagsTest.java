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

        // The commands that run the jar, packed or unpacked; a command may go on over lines ending in a backslash.
        List<String> readmeRunCommands = Files.readString(Path.of("README.md")).replace("\\\n", "").lines()
                .filter(line -> line.startsWith("java ") && line.endsWith("tributary-0.1.0-SNAPSHOT.jar")).toList();
        assertThat(readmeRunCommands).as("the README's commands that run the jar").hasSize(2);
        for (String command : readmeRunCommands) {
            assertThat(withoutArchive(flags(command))).as(command).isEqualTo(measured);
        }

        Matcher plugin = Pattern.compile("<jvmArguments>([^<]*)</jvmArguments>").matcher(Files.readString(Path.of("pom.xml")));
        assertThat(plugin.find()).as("spring-boot:run's jvmArguments in pom.xml").isTrue();
        assertThat(flags(plugin.group(1))).as("mvn spring-boot:run").isEqualTo(measured);

        String entrypoint = Files.readString(Path.of("docker/Dockerfile")).lines()
                .filter(line -> line.startsWith("ENTRYPOINT")).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile's ENTRYPOINT"));
        assertThat(withoutArchive(flags(entrypoint))).as("the Docker image").isEqualTo(measured);
    }

    /** The flags but the class data archive's, which only the unpacked jar's commands have. */
    private static List<String> withoutArchive(List<String> flags) {
        return flags.stream().filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=")).toList();
    }

    private static List<String> flags(String text) {
        return FLAG.matcher(text).results().map(match -> match.group()).toList();
    }
}
