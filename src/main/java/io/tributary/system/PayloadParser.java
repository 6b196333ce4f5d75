package io.tributary.system;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;

/**
 * Provider bodies to JSON trees, with limits: nesting depth, string and number length, nothing after
 * the document. A repeated key is allowed, the last one winning: Mailstand's own documented payloads
 * repeat {@code contact_id}. Anything else is a 400 that says what is wrong without echoing
 * the body.
 */
public final class PayloadParser {

    private static final int MAX_NUMBER_LENGTH = 100;

    private final ObjectMapper mapper;

    public PayloadParser(int maxDepth) {
        this(maxDepth, 1 << 20);
    }

    public PayloadParser(int maxDepth, int maxStringLength) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(maxStringLength)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /** The body as a JSON object, or a 400 problem. */
    public ObjectNode parseObject(byte[] body) {
        if (!(read(body) instanceof ObjectNode object)) {
            throw ProblemException.badRequest("The request body must be a JSON object.");
        }
        return object;
    }

    /**
     * The body's payloads: one JSON object, or a JSON array of them (a provider that sends its events
     * in batches, as SendGrid and SparkPost do), in order. Anything else is a 400 problem naming the
     * item at fault; a batch of more than {@code maxItems} is a 413.
     */
    public Payloads parsePayloads(byte[] body, int maxItems) {
        JsonNode tree = read(body);
        if (tree instanceof ObjectNode object) {
            return new Payloads(false, List.of(object));
        }
        if (!(tree instanceof ArrayNode array)) {
            throw ProblemException.badRequest("The request body must be a JSON object, or an array of JSON objects.");
        }
        if (array.size() > maxItems) {
            throw new ProblemException(413, "Content Too Large",
                    "The batch has " + array.size() + " items; at most " + maxItems + " are taken in one request.");
        }
        List<ObjectNode> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof ObjectNode item)) {
                throw ProblemException.invalidField("/" + i, "each item of a batch must be a JSON object.");
            }
            items.add(item);
        }
        return new Payloads(true, items);
    }

    /**
     * A body's payloads.
     *
     * @param batch whether the body was an array (of any length), not one object
     */
    public record Payloads(boolean batch, List<ObjectNode> items) {
    }

    private JsonNode read(byte[] body) {
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("The request body is empty; a JSON object is expected.");
        }
        try (JsonParser parser = mapper.createParser(body)) {
            return mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw ProblemException.badRequest("The JSON body exceeds a limit (nesting depth, string or number length).");
        } catch (IOException e) {
            throw ProblemException.badRequest("The request body is not valid JSON.");
        }
    }
}
