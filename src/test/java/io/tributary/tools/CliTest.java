package io.tributary.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

/** test-mappings from the jar: a mappings folder against a samples folder, a difference per failing case. */
class CliTest {

    @TempDir
    Path dir;

    private String run(int expectedStatus, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(args, new PrintStream(out, true), new PrintStream(err, true));
        assertThat(status).as(out + "" + err).isEqualTo(expectedStatus);
        return out + "" + err;
    }

    private long cases(Path samples) throws IOException {
        try (Stream<Path> files = Files.list(samples)) {
            return files.filter(f -> f.toString().endsWith(".expected.json")).count();
        }
    }

    @Test
    void theMappingsPassTheirSamplesAndABrokenOneShowsWhereItDiffers() throws IOException {
        Path mappings = dir.resolve("mappings");
        Path samples = dir.resolve("samples");
        FileSystemUtils.copyRecursively(Path.of("mappings/mailstand"), mappings.resolve("mailstand"));
        FileSystemUtils.copyRecursively(Path.of("samples/mailstand"), samples.resolve("mailstand"));
        long n = cases(samples.resolve("mailstand"));

        assertThat(run(0, "test-mappings", "--mappings", mappings.toString(), "--samples", samples.toString()))
                .contains(n + " cases: " + n + " passed, 0 failed");

        Path mapping = mappings.resolve("mailstand/mapping.jsonata");
        Files.writeString(mapping, Files.readString(mapping).replace("\"open\": \"message.opened\"", "\"open\": \"message.read\""));
        String failed = run(1, "test-mappings", "--mappings", mappings.toString(), "--samples", samples.toString(), "mailstand");
        assertThat(failed).contains("FAIL mailstand/open\n  /type: expected \"message.opened\", got \"message.read\"")
                .doesNotContain("FAIL mailstand/click");

        FileSystemUtils.copyRecursively(Path.of("samples/dailydraft"), samples.resolve("dailydraft"));
        assertThat(run(1, "test-mappings", "--mappings", mappings.toString(), "--samples", samples.toString(), "dailydraft"))
                .contains("FAIL dailydraft/email_clicked: no mapping dailydraft/mapping.jsonata");

        assertThat(run(0, "test-mappings", "--mappings", mappings.toString(), "--samples", samples.toString(), "--update", "mailstand"))
                .contains(n + " written");
        assertThat(Files.readString(samples.resolve("mailstand/open.expected.json"))).contains("\"message.read\"");
        assertThat(run(0, "test-mappings", "--mappings", mappings.toString(), "--samples", samples.toString(), "mailstand"))
                .contains(n + " passed");
    }

    @Test
    void usageErrorsSayWhat() {
        assertThat(run(2, "send", "x.json")).contains("usage: send");
        assertThat(run(2, "test-mappings", "--mappings")).contains("--mappings needs a value");
        assertThat(run(2, "send", "samples/mailstand/open.json", "--to", "http://127.0.0.1:9/", "--auth", "hmac"))
                .contains("--auth hmac needs --secret");
    }
}
