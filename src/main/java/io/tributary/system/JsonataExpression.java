package io.tributary.system;

import com.api.jsonata4java.expressions.EvaluateException;
import com.api.jsonata4java.expressions.Expressions;
import com.api.jsonata4java.expressions.ParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;
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
 *
 * <p>Every evaluation runs under a {@link JsonataBudget}, checked inside the steps the library runs to
 * completion ({@link BudgetedVisitor}). A copy whose evaluation went over it is dropped, not reused:
 * the library's state after an interrupted step is not worth trusting.
 *
 * <p>An evaluation over its time is run once more, on a fresh copy, before it fails: the JIT makes a
 * rare evaluation many times slower than the same one a moment later (measured, the Workspace
 * mapping on its sample: 41 to 51 ms of CPU the first time in a fresh JVM, 3 of 180,000 warm ones
 * between 10 and 49 ms, against 0.1 to 1 ms for nearly all). An expression that is slow on its input
 * is slow again and fails after twice its time; the other limits (output, range, depth) are not
 * moved by the JIT and fail at once.
 */
public final class JsonataExpression {

    /**
     * The library's own, wall-clock, time limit, as a multiple of the budget's CPU time: only a backstop
     * (a thread starved of CPU for that long has bigger trouble), so a GC pause fails no innocent
     * evaluation.
     */
    private static final int WALL_CLOCK_FACTOR = 20;
    private static final String LIBRARY_DEPTH_ERROR = "Stack overflow error";
    private static final String LIBRARY_TIMEOUT_ERROR = "Expression evaluation timeout";

    private final String text;
    private final JsonataBudget budget;
    private final LongSupplier clock;
    /** Copies not in use, the one returned last first. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Expressions> idle = new java.util.concurrent.ConcurrentLinkedDeque<>();

    /** An expression under the default budget. @throws IllegalArgumentException when the text does not parse */
    public JsonataExpression(String text) {
        this(text, JsonataBudget.DEFAULT);
    }

    /** @throws IllegalArgumentException when the text does not parse, with the parser's message */
    public JsonataExpression(String text, JsonataBudget budget) {
        this(text, budget, CpuClock::nanos);
    }

    /** @param clock the thread's CPU time in nanoseconds, which the budget's time is checked against */
    JsonataExpression(String text, JsonataBudget budget, LongSupplier clock) {
        this.text = text;
        this.budget = budget;
        this.clock = clock;
        idle.push(parse()); // fails now, not on first use
    }

    /**
     * Evaluates the expression.
     *
     * @param variables bound as {@code $name} for this evaluation
     * @return the result, {@code NullNode} when it produced nothing
     * @throws EvaluateException when the expression fails on this input
     * @throws JsonataBudgetExceeded when the evaluation went over its budget
     */
    public JsonNode evaluate(JsonNode input, Map<String, JsonNode> variables) throws EvaluateException {
        try {
            return evaluateOnce(input, variables, budget);
        } catch (JsonataBudgetExceeded e) {
            if (!e.time()) {
                throw e;
            }
            return evaluateOnce(input, variables, budget);
        }
    }

    /**
     * Evaluates the expression once, within {@code time} of CPU (at most the budget's): for a caller
     * that has something better to do than wait, when an answer is not quick.
     *
     * @throws JsonataBudgetExceeded when the evaluation went over its budget or over {@code time}
     */
    public JsonNode evaluateWithin(JsonNode input, Map<String, JsonNode> variables, Duration time) throws EvaluateException {
        JsonataBudget within = time.compareTo(budget.time()) >= 0 ? budget
                : new JsonataBudget(time.isZero() || time.isNegative() ? Duration.ofNanos(1) : time, budget.maxOutput(),
                        budget.maxRange(), budget.maxDepth());
        return evaluateOnce(input, variables, within);
    }

    private JsonNode evaluateOnce(JsonNode input, Map<String, JsonNode> variables, JsonataBudget limits) throws EvaluateException {
        Expressions borrowed = idle.pollFirst();
        Expressions expr = borrowed != null ? borrowed : parse();
        BudgetedVisitor visitor = (BudgetedVisitor) expr.getExpr();
        boolean spent = false;
        try {
            variables.forEach((name, value) -> expr.getEnvironment().setVariable("$" + name, value));
            visitor.start(limits);
            long wallClockMs = Math.max(1, limits.time().toMillis()) * WALL_CLOCK_FACTOR;
            JsonNode result;
            try {
                result = expr.evaluate(input, wallClockMs, limits.maxDepth());
            } catch (EvaluateException e) {
                throw overBudget(visitor, limits, e.getMessage(), e);
            } catch (StackOverflowError e) {
                throw new JsonataBudgetExceeded("recursion too deep for the thread's stack");
            } catch (RuntimeException e) {
                throw overBudget(visitor, limits, null, e);
            }
            if (visitor.exceeded() != null) { // the library caught the failure and went on
                throw new JsonataBudgetExceeded(visitor.exceeded(), visitor.overTime());
            }
            return result == null ? NullNode.getInstance() : result;
        } catch (JsonataBudgetExceeded e) {
            spent = true;
            throw e;
        } finally {
            if (!spent) {
                idle.push(expr);
            }
        }
    }

    /** The failure as a {@link JsonataBudgetExceeded} when it was one, else as it was. */
    private static <E extends Exception> E overBudget(BudgetedVisitor visitor, JsonataBudget budget, String message, E failure) {
        if (visitor.exceeded() != null) {
            throw new JsonataBudgetExceeded(visitor.exceeded(), visitor.overTime());
        }
        if (message != null && message.startsWith(LIBRARY_DEPTH_ERROR)) {
            throw new JsonataBudgetExceeded("the evaluation nested deeper than " + budget.maxDepth()
                    + " steps (a function that calls itself without end?)");
        }
        if (message != null && message.startsWith(LIBRARY_TIMEOUT_ERROR)) {
            throw new JsonataBudgetExceeded("the evaluation took longer than " + budget.time().toMillis() * WALL_CLOCK_FACTOR
                    + " ms of wall-clock time", true);
        }
        return failure;
    }

    public JsonataBudget budget() {
        return budget;
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

    private Expressions parse() {
        try {
            Expressions parsed = Expressions.parse(text);
            parsed.setExpr(new BudgetedVisitor(clock));
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
