package io.tributary.system;

import com.api.jsonata4java.expressions.EvaluateException;
import com.api.jsonata4java.expressions.Expressions;
import com.api.jsonata4java.expressions.ParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.antlr.v4.runtime.WritableToken;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * One JSONata expression (JSONata4Java), parsed once, safe to evaluate from many threads.
 *
 * <p>A parsed {@link Expressions} must never be shared between threads: its {@code evaluate} keeps
 * per-evaluation state in the object and answers wrongly under concurrency (measured: about half
 * wrong with 4 threads), and {@code evaluateSynced} serializes every caller. An evaluation therefore
 * borrows a copy of its own from a pool, parsed from the same text when none is free, with an
 * evaluator that un-escapes each literal once ({@link LiteralCachingVisitor}), and tokens that keep
 * their text.
 *
 * <p>A pool, not a copy per thread: the server runs mappings on as many request threads as there are
 * requests in flight (64 and more), but only about as many evaluate at one moment as there are
 * cores. The pool holds that many copies, and hands out the one used last, whose parse tree and
 * caches are still in the processor's cache; a copy per thread kept dozens of trees, each one cold.
 */
public final class JsonataExpression {

    /** Bounds that stop a pathological input from pinning a thread. */
    private static final long TIMEOUT_MS = 1_000;
    private static final int MAX_DEPTH = 200;

    private final String text;
    /** Copies not in use, the one returned last first. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Expressions> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** @throws IllegalArgumentException when the text does not parse, with the parser's message */
    public JsonataExpression(String text) {
        this.text = text;
        idle.push(parse(text)); // fails now, not on first use
    }

    /**
     * Evaluates the expression.
     *
     * @param variables bound as {@code $name} for this evaluation
     * @return the result, {@code NullNode} when it produced nothing
     * @throws EvaluateException when the expression fails on this input
     */
    public JsonNode evaluate(JsonNode input, Map<String, JsonNode> variables) throws EvaluateException {
        Expressions borrowed = idle.pollFirst();
        Expressions expr = borrowed != null ? borrowed : parse(text);
        try {
            variables.forEach((name, value) -> expr.getEnvironment().setVariable("$" + name, value));
            JsonNode result = expr.evaluate(input, TIMEOUT_MS, MAX_DEPTH);
            return result == null ? NullNode.getInstance() : result;
        } finally {
            idle.push(expr);
        }
    }

    public String text() {
        return text;
    }

    /**
     * Gives every token of the tree its text once: the evaluator asks tokens for their text at every
     * step (function names, object keys, variables), and a token without one cuts a new string out of
     * the expression each time (JFR: a sixth of evaluation).
     */
    private static void keepTokenTexts(ParseTree node) {
        if (node instanceof TerminalNode terminal && terminal.getSymbol() instanceof WritableToken token) {
            token.setText(token.getText());
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            keepTokenTexts(node.getChild(i));
        }
    }

    private static Expressions parse(String text) {
        try {
            Expressions parsed = Expressions.parse(text);
            parsed.setExpr(new LiteralCachingVisitor());
            keepTokenTexts(parsed.getTree());
            return parsed;
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(String.valueOf(e.getMessage()), e);
        }
    }
}
