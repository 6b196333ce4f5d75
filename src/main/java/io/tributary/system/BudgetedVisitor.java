package io.tributary.system;

import com.api.jsonata4java.JSONataUtils;
import com.api.jsonata4java.expressions.EvaluateRuntimeException;
import com.api.jsonata4java.expressions.ExpressionsVisitor;
import com.api.jsonata4java.expressions.RegularExpression;
import com.api.jsonata4java.expressions.functions.FunctionBase;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.Concat_opContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.ExprContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.Function_callContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.SeqContext;
import com.api.jsonata4java.expressions.utils.Constants;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * The evaluator with a {@link JsonataBudget} checked inside the steps JSONata4Java runs to completion:
 *
 * <ul>
 *   <li>time: the thread's CPU time, read every {@value #CLOCK_EVERY} steps and every
 *       {@value DeadlineChars#CHECK_EVERY} characters a regex reads;</li>
 *   <li>ranges: {@code [a..b]} is refused before it is built when it would exceed {@code maxRange};</li>
 *   <li>output: every string a function or {@code &} builds is counted against {@code maxOutput};
 *       {@code $pad} to a large width is built here in linear time (the library's is quadratic), and
 *       {@code $replace} is refused before it runs when its result could exceed what is left;</li>
 *   <li>regex: before {@code $match}, {@code $contains}, {@code $replace} or {@code $split} runs a regex,
 *       the same pattern is run here over the same subjects through a {@link CharSequence} that checks the
 *       clock: a backtracking pattern stops at the deadline, a linear one costs twice;</li>
 *   <li>{@code $eval}, which would evaluate a new expression with no budget, and {@code $distinct}
 *       (quadratic) of a large array are refused.</li>
 * </ul>
 *
 * <p>Over budget, the evaluation fails and every later step fails too, even if a library function
 * catches the first failure; {@link JsonataExpression} turns it into {@link JsonataBudgetExceeded}.
 * One visitor belongs to one parsed copy, used by one thread at a time.
 */
class BudgetedVisitor extends LiteralCachingVisitor {

    /** Steps between two readings of the clock: reading the thread's CPU time is a system call (under a microsecond). */
    private static final int CLOCK_EVERY = 256;
    /** The widest {@code $pad} left to JSONata4Java's own, quadratic, implementation. */
    static final int LIBRARY_PAD_WIDTH = 1024;
    /** The largest array {@code $distinct} (quadratic in JSONata4Java) may take. */
    static final int MAX_DISTINCT = 5_000;
    /** A string's characters are counted at what they may take in memory: two bytes (UTF-16). */
    private static final int BYTES_PER_CHAR = 2;
    /** Stands for "undefined" among the arguments evaluated ahead of a function. */
    private static final Object UNDEFINED = new Object();

    private JsonataBudget budget = JsonataBudget.DEFAULT;
    private long deadline;
    private long outputLeft;
    private int steps;
    private String exceeded;
    private boolean overTime;
    private final LongSupplier clock;
    /** Arguments a guard evaluated ahead of the function it guards; the function's own visit takes them. */
    private final Map<ParseTree, Object> given = new IdentityHashMap<>();

    /** @param clock the thread's CPU time in nanoseconds ({@link CpuClock#nanos()}) */
    BudgetedVisitor(LongSupplier clock) {
        this.clock = clock;
        for (String name : List.of("$match", "$contains", "$replace", "$split")) {
            getEnvironment().setJsonataFunction(name, new RegexGuard(Constants.FUNCTIONS.get(name), name.equals("$replace")));
        }
        getEnvironment().setJsonataFunction("$pad", new PadGuard(Constants.FUNCTIONS.get("$pad")));
        getEnvironment().setJsonataFunction("$distinct", new DistinctGuard(Constants.FUNCTIONS.get("$distinct")));
        getEnvironment().setJsonataFunction("$eval", new Refused(Constants.FUNCTIONS.get("$eval"),
                "$eval is not allowed: the expression it evaluates would run without a budget"));
    }

    /** Starts one evaluation under the budget. */
    void start(JsonataBudget budget) {
        this.budget = budget;
        this.deadline = clock() + budget.time().toNanos();
        this.outputLeft = budget.maxOutput().toBytes();
        this.steps = 0;
        this.exceeded = null;
        this.overTime = false;
        this.given.clear();
    }

    /** Why the evaluation went over its budget, or null. */
    String exceeded() {
        return exceeded;
    }

    /** Whether the limit it went over was time. */
    boolean overTime() {
        return overTime;
    }

    @Override
    public JsonNode visit(ParseTree tree) {
        if (exceeded != null) {
            throw new EvaluateRuntimeException(exceeded);
        }
        if (!given.isEmpty() && given.containsKey(tree)) {
            Object value = given.remove(tree);
            return value == UNDEFINED ? null : (JsonNode) value;
        }
        if (++steps % CLOCK_EVERY == 0) {
            checkTime();
        }
        JsonNode result = super.visit(tree);
        if (result != null) {
            checkSize(tree, result);
        }
        return result;
    }

    /** A range, as the library builds it, but refused before it is built when it is larger than the budget allows. */
    @Override
    public JsonNode visitSeq(SeqContext ctx) {
        JsonNode from = visit(ctx.expr(0));
        JsonNode to = visit(ctx.expr(1));
        if (from != null && !isWholeNumber(from)) {
            throw new EvaluateRuntimeException("The left side of the range operator (..) must evaluate to an integer");
        }
        if (to != null && !isWholeNumber(to)) {
            throw new EvaluateRuntimeException("The right side of the range operator (..) must evaluate to an integer");
        }
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        if (from != null && to != null) {
            long size = (long) to.asInt() - from.asInt() + 1;
            if (size > budget.maxRange()) {
                throw fail("a range of " + size + " elements is over the limit of " + budget.maxRange());
            }
            for (int i = from.asInt(); i <= to.asInt(); i++) {
                result.add(new LongNode(i));
            }
        }
        LAST_VISITED.set((ExpressionsVisitor) this, "visitSeq");
        return result;
    }

    private static boolean isWholeNumber(JsonNode n) {
        return n.isInt() || n.isLong() || ((n.isFloat() || n.isDouble()) && n.asInt() == n.asDouble());
    }

    /**
     * Counts what a function or {@code &} built. Values read from the input are not counted: they are
     * as large as the payload the service accepted, and building nothing.
     */
    private void checkSize(ParseTree tree, JsonNode result) {
        if (!(tree instanceof Function_callContext || tree instanceof Concat_opContext)) {
            return;
        }
        if (result.isTextual()) {
            charge(result.textValue().length());
        } else if (result.isContainerNode() && result.size() > budget.maxRange()) {
            throw fail("an array or object of " + result.size() + " elements is over the limit of " + budget.maxRange());
        }
    }

    void checkTime() {
        if (exceeded == null && clock() > deadline) {
            overTime = true;
            throw fail("the evaluation used more than " + budget.time().toMillis() + " ms of CPU time");
        }
    }

    /** Counts characters built, at {@value #BYTES_PER_CHAR} bytes each. */
    private void charge(long characters) {
        outputLeft -= characters * BYTES_PER_CHAR;
        if (outputLeft < 0) {
            throw fail("the evaluation built more than " + budget.maxOutput().toBytes() + " bytes of strings");
        }
    }

    /** Refuses what would build more characters than are left. */
    private void ensureOutput(long characters) {
        if (characters > outputLeft / BYTES_PER_CHAR) {
            throw fail("the evaluation would build more than " + budget.maxOutput().toBytes() + " bytes of strings");
        }
    }

    private EvaluateRuntimeException fail(String why) {
        if (exceeded == null) {
            exceeded = why;
        }
        return new EvaluateRuntimeException(exceeded);
    }

    private long clock() {
        return clock.getAsLong();
    }

    /**
     * Evaluates a call's arguments ahead of its function, in the same context the function will; the
     * function's own visits of them then take these values instead of evaluating them again.
     */
    private List<JsonNode> evaluateArguments(Function_callContext ctx) {
        List<ExprContext> expressions = ctx.exprValues() == null || ctx.exprValues().exprList() == null
                ? List.of() : ctx.exprValues().exprList().expr();
        List<JsonNode> values = new ArrayList<>(expressions.size());
        for (ExprContext expression : expressions) {
            values.add(visit(expression));
        }
        for (int i = 0; i < expressions.size(); i++) {
            given.put(expressions.get(i), values.get(i) == null ? UNDEFINED : values.get(i));
        }
        return values;
    }

    private void forgetArguments(Function_callContext ctx) {
        if (ctx.exprValues() != null && ctx.exprValues().exprList() != null) {
            ctx.exprValues().exprList().expr().forEach(given::remove);
        }
    }

    /** The text the function applies to when it is called on its context ({@code subject.$match(/x/)}), or null. */
    private String contextText() {
        JsonNode context = getContextStack().isEmpty() ? null : getContextStack().peek();
        return context != null && context.isTextual() ? context.textValue() : null;
    }

    /** How many matches the pattern finds in the text, found under the deadline. */
    private long matches(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(new DeadlineChars(text, this));
        long found = 0;
        while (matcher.find()) {
            found++;
        }
        return found;
    }

    /**
     * {@code $pad(str, width, char)} as JSONata4Java defines it (the padding is {@code char} repeated,
     * cut to the missing number of code points; a space when {@code char} is empty), in linear time.
     */
    static String pad(String text, int width, String padding) {
        String unit = padding == null || padding.isEmpty() ? " " : padding;
        int missing = Math.abs(width) - text.codePointCount(0, text.length());
        if (missing <= 0) {
            return text;
        }
        int copies = missing / unit.codePointCount(0, unit.length()) + 1;
        String fill = JSONataUtils.substr(unit.repeat(copies), 0, missing);
        return width > 0 ? text + fill : fill + text;
    }

    /** A library function run after a check of its arguments (evaluated once, by the check). */
    private abstract static class Guard extends FunctionBase {

        final FunctionBase library;

        Guard(FunctionBase library) {
            this.library = library;
        }

        @Override
        public JsonNode invoke(ExpressionsVisitor visitor, Function_callContext ctx) {
            if (!(visitor instanceof BudgetedVisitor budgeted)) {
                return library.invoke(visitor, ctx);
            }
            List<JsonNode> arguments = budgeted.evaluateArguments(ctx);
            try {
                return guarded(budgeted, ctx, arguments);
            } finally {
                budgeted.forgetArguments(ctx);
            }
        }

        abstract JsonNode guarded(BudgetedVisitor visitor, Function_callContext ctx, List<JsonNode> arguments);

        @Override
        public int getMaxArgs() {
            return library.getMaxArgs();
        }

        @Override
        public int getMinArgs() {
            return library.getMinArgs();
        }

        @Override
        public String getSignature() {
            return library.getSignature();
        }
    }

    /** {@code $match}, {@code $contains}, {@code $replace}, {@code $split}: a regex argument is first run under the deadline. */
    private static final class RegexGuard extends Guard {

        private final boolean replace;

        RegexGuard(FunctionBase library, boolean replace) {
            super(library);
            this.replace = replace;
        }

        @Override
        JsonNode guarded(BudgetedVisitor visitor, Function_callContext ctx, List<JsonNode> arguments) {
            List<Pattern> patterns = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            long longestText = 0;
            for (JsonNode argument : arguments) {
                if (argument instanceof POJONode pojo && pojo.getPojo() instanceof RegularExpression regex) {
                    patterns.add(regex.getPattern());
                } else if (argument != null && argument.isTextual()) {
                    texts.add(argument.textValue());
                    longestText = Math.max(longestText, argument.textValue().length());
                }
            }
            String context = visitor.contextText();
            if (context != null) {
                texts.add(context);
                longestText = Math.max(longestText, context.length());
            }
            long found = 0;
            for (Pattern pattern : patterns) {
                for (String text : texts) {
                    found += visitor.matches(pattern, text);
                }
            }
            if (replace) {
                long total = 0;
                for (String text : texts) {
                    total += text.length();
                }
                long occurrences = found;
                if (patterns.isEmpty() && texts.size() >= 2) { // a plain-text pattern: at most one per character
                    occurrences = total;
                }
                visitor.ensureOutput(total + occurrences * longestText);
            }
            return library.invoke(visitor, ctx);
        }
    }

    /** {@code $pad}: a wide pad is built here, in linear time and within the output budget. */
    private static final class PadGuard extends Guard {

        PadGuard(FunctionBase library) {
            super(library);
        }

        @Override
        JsonNode guarded(BudgetedVisitor visitor, Function_callContext ctx, List<JsonNode> arguments) {
            long widest = 0;
            for (JsonNode argument : arguments) {
                if (argument != null && argument.isNumber()) {
                    widest = Math.max(widest, Math.abs((long) argument.asDouble()));
                }
            }
            if (widest <= LIBRARY_PAD_WIDTH) {
                return library.invoke(visitor, ctx);
            }
            visitor.ensureOutput(widest);
            boolean plain = (arguments.size() == 2 || arguments.size() == 3)
                    && arguments.get(0) != null && arguments.get(0).isTextual()
                    && arguments.get(1) != null && arguments.get(1).isIntegralNumber() && arguments.get(1).canConvertToInt()
                    && (arguments.size() == 2 || arguments.get(2) == null || arguments.get(2).isTextual());
            if (!plain) {
                throw visitor.fail("$pad to a width over " + LIBRARY_PAD_WIDTH + " takes a string, an integer and an optional string");
            }
            String padding = arguments.size() == 3 && arguments.get(2) != null ? arguments.get(2).textValue() : null;
            return TextNode.valueOf(pad(arguments.get(0).textValue(), arguments.get(1).intValue(), padding));
        }
    }

    /** {@code $distinct}: JSONata4Java compares every element with every other. */
    private static final class DistinctGuard extends Guard {

        DistinctGuard(FunctionBase library) {
            super(library);
        }

        @Override
        JsonNode guarded(BudgetedVisitor visitor, Function_callContext ctx, List<JsonNode> arguments) {
            for (JsonNode argument : arguments) {
                if (argument != null && argument.isArray() && argument.size() > MAX_DISTINCT) {
                    throw visitor.fail("$distinct of " + argument.size() + " elements is over the limit of " + MAX_DISTINCT);
                }
            }
            return library.invoke(visitor, ctx);
        }
    }

    /** A function that cannot be budgeted. */
    private static final class Refused extends Guard {

        private final String why;

        Refused(FunctionBase library, String why) {
            super(library);
            this.why = why;
        }

        @Override
        public JsonNode invoke(ExpressionsVisitor visitor, Function_callContext ctx) {
            if (visitor instanceof BudgetedVisitor budgeted) {
                throw budgeted.fail(why);
            }
            throw new EvaluateRuntimeException(why);
        }

        @Override
        JsonNode guarded(BudgetedVisitor visitor, Function_callContext ctx, List<JsonNode> arguments) {
            throw visitor.fail(why);
        }
    }

    /** The subject of a regex, read through the deadline: a backtracking match reads characters without end. */
    private static final class DeadlineChars implements CharSequence {

        static final int CHECK_EVERY = 1024;

        private final String text;
        private final BudgetedVisitor visitor;
        private int reads;

        DeadlineChars(String text, BudgetedVisitor visitor) {
            this.text = text;
            this.visitor = visitor;
        }

        @Override
        public char charAt(int index) {
            if (++reads % CHECK_EVERY == 0) {
                visitor.checkTime();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
