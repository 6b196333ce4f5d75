package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.canonical.EventContext;
import io.tributary.canonical.SampleCases;
import io.tributary.system.PayloadParser;
import io.tributary.system.ProblemException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a provider's request body becomes, without a server: refused as the webhook would refuse it,
 * or each of its events normalized (a canonical event, or the reason it is quarantined). The one
 * owner of turning a sample into the form of its expected file, for the golden tests, the console's
 * playground and the command-line mapping test.
 */
public final class MappingCheck {

    /** The context a sample is normalized in: its source, the source's tenant, when it was received. */
    public record Context(String sourceId, String tenant, Instant receivedAt) {

        /** The golden samples' context, as their expected files were made in. */
        public static final Context GOLDEN = new Context(SampleCases.SOURCE, SampleCases.TENANT, SampleCases.RECEIVED_AT);
    }

    /** The webhook endpoint's defaults: {@code tributary.ingest.max-depth} and {@code max-batch}. */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_BATCH = 1000;

    /**
     * What a body became.
     *
     * @param results  each event's normalization, in order; empty when refused
     * @param rejected the status the webhook would answer with, or {@code null}
     * @param detail   why it would be refused, or {@code null}
     * @param batch    whether it is several events (a JSON array body, or a mapping's array)
     */
    public record Outcome(List<Normalization> results, Integer rejected, String detail, boolean batch) {

        /**
         * As an expected file holds it: the event (as a subscriber reads it, without
         * {@code mappingversion}, which changes with every edit of the mapping), or
         * {@code {"quarantined": reason}}, or {@code {"rejected": status}}; for a batch an array of them.
         */
        public JsonNode expectedForm() {
            if (rejected != null) {
                return JsonNodeFactory.instance.objectNode().put("rejected", rejected);
            }
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            results.forEach(r -> all.add(expectedForm(r)));
            return batch ? all : all.get(0);
        }

        private static JsonNode expectedForm(Normalization result) {
            if (result instanceof Normalization.Quarantined q) {
                return JsonNodeFactory.instance.objectNode().put("quarantined", q.reason().code());
            }
            ObjectNode event = ((Normalization.Normalized) result).event().deepCopy();
            event.remove("mappingversion");
            try {
                // numbers by value, not by the Java type the mapping made
                return PLAIN.readTree(PLAIN.writeValueAsBytes(event));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final EventNormalizer normalizer;
    private final PayloadParser parser;
    private final int maxBatch;

    /** A check that parses bodies as the webhook endpoint does with its default limits. */
    public static MappingCheck withWebhookDefaults(EventNormalizer normalizer) {
        return new MappingCheck(normalizer, new PayloadParser(MAX_DEPTH), MAX_BATCH);
    }

    /** @param maxBatch most items an array body may have, as {@code tributary.ingest.max-batch} */
    public MappingCheck(EventNormalizer normalizer, PayloadParser parser, int maxBatch) {
        this.normalizer = normalizer;
        this.parser = parser;
        this.maxBatch = maxBatch;
    }

    public Outcome run(String provider, byte[] body, String eventKey, Context context) {
        PayloadParser.Payloads payloads;
        try {
            payloads = parser.parsePayloads(body, maxBatch);
        } catch (ProblemException e) {
            return new Outcome(List.of(), e.status(), e.getMessage(), false);
        }
        List<Normalization> results = new ArrayList<>();
        for (ObjectNode payload : payloads.items()) {
            results.addAll(normalizer.normalizeAll(new EventContext(provider, context.sourceId(), context.tenant(), eventKey,
                    payload, context.receivedAt())));
        }
        return new Outcome(List.copyOf(results), null, null, payloads.batch() || results.size() != 1);
    }
}
