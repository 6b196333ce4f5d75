package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The Docker image's JVM starts: its environment's JVM options and its command's flags are ones this
 * JDK takes. (No Docker here: the image itself is not built by the tests.)
 */
class DockerfileTest {

    private static final Pattern ENV = Pattern.compile("^ENV (\\w+)=\"([^\"]*)\"$");

    @Test
    void theImagesJvmOptionsAndFlagsStartAJvm() throws Exception {
        List<String> dockerfile = Files.readAllLines(Path.of("docker/Dockerfile"));
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : dockerfile) {
            Matcher env = ENV.matcher(line);
            if (env.matches()) {
                environment.put(env.group(1), env.group(2));
            }
        }
        assertThat(environment.keySet()).as("the image's JVM options").anyMatch(name -> name.endsWith("_OPTIONS"));
        String entrypoint = dockerfile.stream().filter(line -> line.startsWith("ENTRYPOINT ")).findFirst()
                .orElseThrow(() -> new AssertionError("the Dockerfile's ENTRYPOINT")).substring("ENTRYPOINT ".length());

        List<String> command = new ArrayList<>(List.of(BuiltJar.javaBin()));
        for (String argument : new ObjectMapper().readValue(entrypoint, String[].class)) {
            // Its flags, but the class data archive's: the image makes that file when it is built.
            if (argument.startsWith("-XX:") && !argument.startsWith("-XX:SharedArchiveFile=")) {
                command.add(argument);
            }
        }
        assertThat(command).as("the flags tried").anyMatch(argument -> argument.startsWith("-XX:"));
        command.add("-version");
        ProcessBuilder java = new ProcessBuilder(command).redirectErrorStream(true);
        java.environment().putAll(environment);
        Process process = java.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("java -version ended").isTrue();
        assertThat(process.exitValue()).as("java -version with the image's options and flags:\n" + output).isZero();
    }
}
