package io.tributary.mapping;

import com.api.jsonata4java.expressions.EvaluateException;
import com.api.jsonata4java.expressions.Expressions;
import com.api.jsonata4java.expressions.ParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One provider's JSONata mapping, parsed once at start.
 *
 * <p>A parsed {@link Expressions} must never be shared between threads: its {@code evaluate} keeps
 * per-evaluation state in the object and answers wrongly under concurrency, and
 * {@code evaluateSynced} serializes every caller. Each thread therefore gets its own copy, parsed
 * from the same text on first use and kept in a {@link ThreadLocal}.
 *
 * <p>The expression sees the provider payload as its root and the event key from the webhook URL
 * (or {@code null}) as {@code $eventKey}.
 */
final class ProviderMapping {

    /** Bounds that stop a pathological payload from pinning a thread. */
    private static final long TIMEOUT_MS = 1_000;
    private static final int MAX_DEPTH = 200;

    private final String provider;
    private final String expression;
    private final ThreadLocal<Expressions> perThread;

    ProviderMapping(String provider, String expression) {
        this.provider = provider;
        this.expression = expression;
        parse(expression); // fail at start, not on the first event
        this.perThread = ThreadLocal.withInitial(() -> parse(expression));
    }

    String provider() {
        return provider;
    }

    /**
     * Evaluates the mapping.
     *
     * @return the mapping's output, or {@code NullNode} when it produced nothing
     * @throws MappingException when the expression fails on this payload
     */
    JsonNode evaluate(JsonNode payload, String eventKey) {
        Expressions expr = perThread.get();
        try {
            expr.getEnvironment().setVariable("$eventKey",
                    eventKey == null ? NullNode.getInstance() : TextNode.valueOf(eventKey));
            JsonNode result = expr.evaluate(payload, TIMEOUT_MS, MAX_DEPTH);
            return result == null ? NullNode.getInstance() : result;
        } catch (EvaluateException | RuntimeException e) {
            throw new MappingException(provider + " mapping failed: " + e.getMessage(), e);
        }
    }

    private Expressions parse(String text) {
        try {
            return Expressions.parse(text);
        } catch (ParseException e) {
            throw new IllegalStateException("mapping for " + provider + " does not parse: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "ProviderMapping[" + provider + ", " + expression.length() + " chars]";
    }
}
