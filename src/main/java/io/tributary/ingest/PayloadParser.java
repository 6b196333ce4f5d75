package io.tributary.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.system.ProblemException;
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
        if (body == null || body.length == 0) {
            throw ProblemException.badRequest("The request body is empty; a JSON object is expected.");
        }
        JsonNode tree;
        try (JsonParser parser = mapper.createParser(body)) {
            tree = mapper.readTree(parser);
        } catch (StreamConstraintsException e) {
            throw ProblemException.badRequest("The JSON body exceeds a limit (nesting depth, string or number length).");
        } catch (IOException e) {
            throw ProblemException.badRequest("The request body is not valid JSON.");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ProblemException.badRequest("The request body must be a JSON object.");
        }
        return object;
    }
}
