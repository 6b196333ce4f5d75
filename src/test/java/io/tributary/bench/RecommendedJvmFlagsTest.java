package io.tributary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.BuiltJar;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM flags Tributary is measured and tuned with are the same wherever it is started: the README's jar
 * commands, {@code mvn spring-boot:run}, the Docker image and the load benchmark; and the Docker image's
 * JVM starts with them and its environment's options. (No Docker here: the image itself is not built.)
 */
class RecommendedJvmFlagsTest {

    private static final Pattern FLAG = Pattern.compile("-XX:[A-Za-z0-9]+(=[^\\s\",]+)?");
    private static final Pattern ENV = Pattern.compile("^ENV (\\w+)=\"([^\"]*)\"$");
    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");

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

        assertThat(imageFlags()).as("the Docker image").isEqualTo(measured);
    }

    @Test
    void theImagesJvmStartsWithItsOptionsAndFlags() throws Exception {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : Files.readAllLines(DOCKERFILE)) {
            Matcher env = ENV.matcher(line);
            if (env.matches()) {
                environment.put(env.group(1), env.group(2));
            }
        }
        assertThat(environment.keySet()).as("the image's JVM options").anyMatch(name -> name.endsWith("_OPTIONS"));
        List<String> flags = imageFlags();
        assertThat(flags).as("the image's flags").isNotEmpty();

        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin()));
        command.addAll(flags);
        command.add("-version");
        ProcessBuilder java = new ProcessBuilder(command).redirectErrorStream(true);
        java.environment().putAll(environment);
        Process process = java.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("java -version ended").isTrue();
        assertThat(process.exitValue()).as("java -version with the image's options and flags:\n" + output).isZero();
    }

    /** The JVM flags of the Dockerfile's ENTRYPOINT, but its class data archive's: the image makes that file when it is built. */
    private static List<String> imageFlags() throws Exception {
        String entrypoint = Files.readAllLines(DOCKERFILE).stream().filter(line -> line.startsWith("ENTRYPOINT ")).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile's ENTRYPOINT"));
        return withoutArchive(flags(entrypoint));
    }

    /** The flags but the class data archive's, which only the unpacked jar's commands have. */
    private static List<String> withoutArchive(List<String> flags) {
        return flags.stream().filter(flag -> !flag.startsWith("-XX:SharedArchiveFile=")).toList();
    }

    private static List<String> flags(String text) {
        return FLAG.matcher(text).results().map(match -> match.group()).toList();
    }
}
