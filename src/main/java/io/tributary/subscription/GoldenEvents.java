package io.tributary.subscription;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The canonical events of the golden samples ({@code samples/<provider>/<case>.expected.json}, copied
 * into the jar under {@code golden/}), read once at start: a new filter is run against each before it
 * is accepted, so one that goes over its budget on an ordinary event is refused at once rather than
 * holding every delivery. The golden tests keep these files equal to what the mappings produce.
 */
public final class GoldenEvents {

    /** One sample's canonical event, named {@code <provider>/<case>}. */
    public record Sample(String name, ObjectNode event) {
    }

    private final List<Sample> samples;

    public GoldenEvents(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Every canonical event under {@code classpath*:golden/*}{@code /*.expected.json} (quarantine and rejection cases skipped). */
    public static GoldenEvents load(ObjectMapper json) {
        List<Sample> samples = new ArrayList<>();
        try {
            Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:golden/*/*.expected.json");
            for (Resource file : files) {
                String url = file.getURL().toString();
                String folder = url.substring(0, url.lastIndexOf('/'));
                String name = folder.substring(folder.lastIndexOf('/') + 1) + "/"
                        + url.substring(url.lastIndexOf('/') + 1).replace(".expected.json", "");
                try (InputStream in = file.getInputStream()) {
                    JsonNode event = json.readTree(in);
                    if (event instanceof ObjectNode object && object.has("specversion")) {
                        samples.add(new Sample(name, object));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        samples.sort(Comparator.comparing(Sample::name));
        return new GoldenEvents(samples);
    }

    public List<Sample> samples() {
        return samples;
    }
}
