package io.tributary.subscription;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.SampleCases;
import java.util.List;

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

    /** The canonical events of the golden cases (quarantine and rejection cases left out). */
    public static GoldenEvents of(SampleCases cases) {
        return new GoldenEvents(cases.all().stream().filter(c -> c.expectedEvent() != null)
                .map(c -> new Sample(c.provider() + "/" + c.name(), (ObjectNode) c.expectedEvent())).toList());
    }

    public List<Sample> samples() {
        return samples;
    }
}
