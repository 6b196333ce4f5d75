package io.tributary.system;

import com.api.jsonata4java.expressions.EvaluateRuntimeException;
import com.api.jsonata4java.expressions.ExpressionsVisitor;
import com.api.jsonata4java.expressions.FrameEnvironment;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.ExprContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.FieldListContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.Function_declContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.IdContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.Object_constructorContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.StringContext;
import com.api.jsonata4java.expressions.generated.MappingExpressionParser.Var_recallContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;
import java.util.Map;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;
import org.apache.commons.text.StringEscapeUtils;

/**
 * JSONata4Java's evaluator, with each string literal and field name un-escaped once per parse tree
 * instead of at every evaluation, and each variable's name taken from the tree once; likewise the keys
 * of each object constructor.
 *
 * <p>JSONata4Java 2.6.2 runs every literal and every path step's name through commons-text's JSON
 * un-escaper each time it is visited; under load that was 60 % of Tributary's CPU (JFR). The text of a
 * parse-tree node never changes, so its un-escaped form is kept here, keyed by the node. One visitor
 * belongs to one {@link com.api.jsonata4java.expressions.Expressions} copy, used by one thread
 * ({@link JsonataExpression}), so the caches need no locking.
 *
 * <p>The overridden steps do what the library's own do (2.6.2, read from its bytecode), including
 * setting its private {@code lastVisited} marker, which its array constructor reads. The golden
 * samples evaluate every mapping through this class.
 */
class LiteralCachingVisitor extends ExpressionsVisitor {

    static final VarHandle LAST_VISITED;
    private static final MethodHandle LOOKUP;

    static {
        try {
            MethodHandles.Lookup internals = MethodHandles.privateLookupIn(ExpressionsVisitor.class, MethodHandles.lookup());
            LAST_VISITED = internals.findVarHandle(ExpressionsVisitor.class, "lastVisited", String.class);
            LOOKUP = internals.findVirtual(ExpressionsVisitor.class, "lookup",
                    MethodType.methodType(JsonNode.class, JsonNode.class, String.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<ParseTree, TextNode> strings = new IdentityHashMap<>();
    private final Map<ParseTree, String> names = new IdentityHashMap<>();
    private final Map<ParseTree, String> variables = new IdentityHashMap<>();
    private final Map<ParseTree, ObjectShape> objects = new IdentityHashMap<>();

    LiteralCachingVisitor() {
        super(null, new FrameEnvironment(null));
    }

    @Override
    public JsonNode visitString(StringContext ctx) {
        TextNode value = strings.computeIfAbsent(ctx, c -> TextNode.valueOf(sanitise(c.getText())));
        LAST_VISITED.set((ExpressionsVisitor) this, "visitString");
        return value;
    }

    @Override
    public JsonNode visitId(IdContext ctx) {
        JsonNode result = null;
        FrameEnvironment environment = getEnvironment();
        if (!environment.isEmptyContext()) {
            JsonNode context = environment.peekContext();
            if (context != null) {
                String name = names.computeIfAbsent(ctx, c -> sanitise(((IdContext) c).ID().getText()));
                try {
                    result = (JsonNode) LOOKUP.invokeExact((ExpressionsVisitor) this, context, name);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        LAST_VISITED.set((ExpressionsVisitor) this, "visitId");
        return result;
    }

    @Override
    public JsonNode visitVar_recall(Var_recallContext ctx) {
        // The library names the variable with ctx.getText(), a new string (and hash) at every recall.
        JsonNode result = getVariable(variables.computeIfAbsent(ctx, ParseTree::getText));
        LAST_VISITED.set((ExpressionsVisitor) this, "visitVar_assign"); // sic: the library's own marker here
        return result;
    }

    /**
     * An object constructor ({@code {"key": value, ...}}). The library splits its field list into keys
     * and values and un-escapes every key at every evaluation (commons-text, per character); a
     * constructor whose keys are all literals is split once here. One with a computed key, or a
     * malformed list, is left to the library.
     */
    @Override
    public JsonNode visitObject_constructor(Object_constructorContext ctx) {
        ObjectShape shape = objects.computeIfAbsent(ctx, c -> ObjectShape.of((Object_constructorContext) c));
        if (shape == ObjectShape.COMPUTED) {
            return super.visitObject_constructor(ctx);
        }
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < shape.keys().length; i++) {
            JsonNode value = fieldValue(shape.values()[i]);
            if (value != null) {
                result.set(shape.keys()[i], value);
            }
        }
        LAST_VISITED.set((ExpressionsVisitor) this, "visitObject_constructor");
        return result;
    }

    /** One field's value, as the library's object constructor evaluates it. */
    private JsonNode fieldValue(ExprContext expression) {
        if (expression instanceof Function_declContext declaration) {
            visit(declaration);
            return getDeclaredFunction(declaration.FUNCTIONID().getText()) != null ? TextNode.valueOf("") : null;
        }
        JsonNode value = visit(expression);
        if (expression instanceof Var_recallContext recall && value == null) {
            String name = recall.VAR_ID().getText();
            return getDeclaredFunction(name) != null || getJsonataFunction(name) != null ? TextNode.valueOf("") : null;
        }
        if (value != null && value.isDouble() && (Double.isNaN(value.asDouble()) || Double.isInfinite(value.asDouble()))) {
            throw new EvaluateRuntimeException("Number out of range: null");
        }
        return value;
    }

    /** An object constructor's literal keys, un-escaped, beside their value expressions. */
    private record ObjectShape(String[] keys, ExprContext[] values) {

        /** A constructor the library evaluates itself: a computed key, or a field list it would reject. */
        static final ObjectShape COMPUTED = new ObjectShape(null, null);

        static ObjectShape of(Object_constructorContext ctx) {
            FieldListContext fields = ctx.fieldList();
            if (fields == null) {
                return new ObjectShape(new String[0], new ExprContext[0]);
            }
            int n = fields.getChildCount();
            if (n % 4 != 3) { // key : value (, key : value)*
                return COMPUTED;
            }
            String[] keys = new String[(n + 1) / 4];
            ExprContext[] values = new ExprContext[keys.length];
            for (int i = 0; i < n; i++) {
                ParseTree child = fields.getChild(i);
                switch (i % 4) {
                    case 0 -> {
                        if (!(child instanceof TerminalNode key)) {
                            return COMPUTED;
                        }
                        keys[i / 4] = sanitise(key.getText());
                    }
                    case 1 -> {
                        if (!(child instanceof TerminalNode colon) || !":".equals(colon.getText())) {
                            return COMPUTED;
                        }
                    }
                    case 2 -> {
                        if (!(child instanceof ExprContext value)) {
                            return COMPUTED;
                        }
                        values[i / 4] = value;
                    }
                    default -> {
                        if (!(child instanceof TerminalNode comma) || !",".equals(comma.getText())) {
                            return COMPUTED;
                        }
                    }
                }
            }
            return new ObjectShape(keys, values);
        }
    }

    /** The library's {@code sanitise}: strip one pair of enclosing quotes or backticks, then un-escape. */
    static String sanitise(String text) {
        String s = text;
        if (s.length() > 1 && ((s.startsWith("`") && s.endsWith("`")) || (s.startsWith("\"") && s.endsWith("\""))
                || (s.startsWith("'") && s.endsWith("'")))) {
            s = s.substring(1, s.length() - 1);
        }
        return StringEscapeUtils.unescapeJson(s);
    }
}
