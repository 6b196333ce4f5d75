package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.api.jsonata4java.expressions.EvaluateException;
import com.api.jsonata4java.expressions.Expressions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The caching evaluator answers exactly as JSONata4Java's own, on the constructs whose steps it
 * replaces (string literals, field names, variable recalls, object constructors) and on the array constructor that reads
 * their marker.
 */
class JsonataExpressionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INPUT = """
            {"a": {"b": [1, 2, {"c": "x"}], "name with space": "spaced", "quo\\"te": "q", "é": "accent"},
             "list": [{"id": "1", "tags": ["t1", "t2"]}, {"id": "2", "tags": ["t3"]}],
             "n": 42, "s": "text"}
            """;

    @ParameterizedTest
    @ValueSource(strings = {
            "a.b", "a.b[2].c", "a.`name with space`", "a.\"quo\\\"te\"", "a.`é`", "'single' & \"double\"",
            "\"esc\\\"aped\\n\\u00e9\"", "[a.b, 'x', n]", "[['nested', n], s, [list.id]]", "list.tags", "[list.tags]",
            "list.[id, tags]", "{'k': s, \"k2\": [n, 'lit'], 'nested': {'deep': a.b[0]}}", "list[id = '2'].tags",
            "$exists(a.missing) ? 'yes' : 'no'", "$string(n) & '-' & s", "[1, 2, 3][$ > 1]", "a.b[0] + n",
            "$lowercase('ABC') & $v", "{'v': $v, 'arr': [$v, s]}", "missing.path", "[missing, 'only']",
            "($x := n; $x + 1)", "($f := function($a) { $a & $v }; $f(s) & $f('t'))", "[$v, $v]", "[$v, [$v]]",
            "$missing", "($t := {'k': 'one'}; $lookup($t, 'k') & $v)", "{}", "{'a': 1, 'b': missing, 'c': {'d': $v}}",
            "list.{'id': id, \"t\\\"q\": tags[0]}", "{s: n, 'k': 1}", "{'f': function($a) { $a }}",
            "($g := function($a) { $a }; {'g': $g, 'len': $length, 'none': $nothing, 'v': $v})",
            "$string({'b': true, 'n': null, 'x': 1.5})"})
    void answersAsTheLibraryItselfDoes(String expression) throws Exception {
        JsonNode input = JSON.readTree(INPUT);
        Expressions plain = Expressions.parse(expression);
        plain.getEnvironment().setVariable("$v", JSON.getNodeFactory().textNode("bound"));
        JsonNode expected = plain.evaluate(input);

        JsonataExpression cached = new JsonataExpression(expression);
        Map<String, JsonNode> variables = Map.of("v", JSON.getNodeFactory().textNode("bound"));
        JsonNode first = cached.evaluate(input, variables);
        JsonNode second = cached.evaluate(input, variables); // from the caches this time

        JsonNode want = expected == null ? NullNode.getInstance() : expected;
        assertThat(first).isEqualTo(want);
        assertThat(second).isEqualTo(want);
    }

    @Test
    void anEvaluationThatFailsLeavesItsCopyFitForTheNext() throws Exception {
        JsonataExpression expression = new JsonataExpression("$number(s) + n");
        assertThatThrownBy(() -> expression.evaluate(JSON.readTree("{\"s\": \"x\", \"n\": 1}"), Map.of()))
                .isInstanceOf(EvaluateException.class);
        assertThat(expression.evaluate(JSON.readTree("{\"s\": \"41\", \"n\": 1}"), Map.of()).asInt()).isEqualTo(42);
    }
}
