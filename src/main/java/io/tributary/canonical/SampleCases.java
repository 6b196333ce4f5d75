package io.tributary.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The golden samples as the jar carries them (copied from {@code samples/} under {@code golden/}):
 * for each case the provider's body ({@code <case>.json}), the event key its request had
 * ({@code <case>.request.json}, if any) and what it must become ({@code <case>.expected.json}: a
 * canonical event, {@code {"quarantined": reason}} or {@code {"rejected": status}}). Read once at
 * start; the golden tests keep them equal to what the mappings produce.
 */
public final class SampleCases {

    /** The context every golden case is normalized in: source {@value #SOURCE}, its tenant {@value #TENANT}, received at {@link #RECEIVED_AT}. */
    public static final String SOURCE = "demo";
    public static final String TENANT = "demo";
    public static final java.time.Instant RECEIVED_AT = java.time.Instant.parse("2026-01-01T00:00:00Z");

    /** One case, named {@code <case>} within its provider. */
    public record SampleCase(String provider, String name, String body, String eventKey, JsonNode expected) {

        /** Its expected canonical event, or null for a case that is quarantined or rejected. */
        public JsonNode expectedEvent() {
            return expected.has("specversion") ? expected : null;
        }
    }

    private final List<SampleCase> cases;

    public SampleCases(List<SampleCase> cases) {
        this.cases = List.copyOf(cases);
    }

    public static SampleCases load(ObjectMapper json) {
        return load(json, "classpath*:golden");
    }

    /**
     * The cases under a samples root, one folder per provider ({@code samples/<provider>/<case>.json}).
     *
     * @param root a Spring resource location: {@code classpath*:golden}, {@code file:/path/to/samples}
     */
    public static SampleCases load(ObjectMapper json, String root) {
        List<SampleCase> cases = new ArrayList<>();
        try {
            for (Resource expected : new PathMatchingResourcePatternResolver().getResources(root + "/*/*.expected.json")) {
                String url = expected.getURL().toString();
                String folder = url.substring(0, url.lastIndexOf('/'));
                String provider = folder.substring(folder.lastIndexOf('/') + 1);
                String name = url.substring(url.lastIndexOf('/') + 1).replace(".expected.json", "");
                Resource body = expected.createRelative(name + ".json");
                Resource request = expected.createRelative(name + ".request.json");
                String eventKey = request.exists() ? json.readTree(request.getContentAsByteArray()).path("eventKey").asText(null) : null;
                cases.add(new SampleCase(provider, name, body.exists() ? body.getContentAsString(StandardCharsets.UTF_8) : "",
                        eventKey, json.readTree(expected.getContentAsByteArray())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cases.sort(Comparator.comparing(SampleCase::provider).thenComparing(SampleCase::name));
        return new SampleCases(cases);
    }

    public List<SampleCase> all() {
        return cases;
    }

    public List<SampleCase> of(String provider) {
        return cases.stream().filter(c -> c.provider().equals(provider)).toList();
    }

    public Optional<SampleCase> find(String provider, String name) {
        return cases.stream().filter(c -> c.provider().equals(provider) && c.name().equals(name)).findFirst();
    }
}
