package io.tributary.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.system.JsonataBudget;
import io.tributary.system.JsonataBudgetExceeded;
import io.tributary.system.JsonataExpression;
import java.util.Map;

/**
 * One provider's JSONata mapping, parsed once at start and evaluated with one parsed copy per thread
 * ({@link JsonataExpression}). The expression sees the provider payload as its root and the event key
 * from the webhook URL (or {@code null}) as {@code $eventKey}.
 */
final class ProviderMapping {

    private final String provider;
    private final JsonataExpression expression;
    private final String version;

    ProviderMapping(String provider, String text) {
        this(provider, text, JsonataBudget.DEFAULT);
    }

    /** @param budget what one evaluation may spend; over it, the payload fails with {@link MappingException} */
    ProviderMapping(String provider, String text, JsonataBudget budget) {
        this.provider = provider;
        this.version = MappingVersion.of(text);
        try {
            this.expression = new JsonataExpression(text, budget);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("mapping for " + provider + " does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * @return the mapping's output, or {@code NullNode} when it produced nothing
     * @throws MappingException when the expression fails on this payload, or goes over its budget
     */
    JsonNode evaluate(JsonNode payload, String eventKey) {
        try {
            return expression.evaluate(payload,
                    Map.of("eventKey", eventKey == null ? NullNode.getInstance() : TextNode.valueOf(eventKey)));
        } catch (JsonataBudgetExceeded e) {
            throw new MappingException(provider + " mapping went over its budget: " + e.getMessage(), e);
        } catch (Exception e) {
            throw new MappingException(provider + " mapping failed: " + e.getMessage(), e);
        }
    }

    /** {@link MappingVersion} of its text. */
    String version() {
        return version;
    }

    String text() {
        return expression.text();
    }

    JsonataBudget budget() {
        return expression.budget();
    }

    @Override
    public String toString() {
        return "ProviderMapping[" + provider + "]";
    }
}
