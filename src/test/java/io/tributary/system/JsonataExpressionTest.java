package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.api.jsonata4java.expressions.EvaluateException;
import com.api.jsonata4java.expressions.Expressions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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
            "$string({'b': true, 'n': null, 'x': 1.5})",
            // functions a mapping declares: fewer arguments than parameters, an argument that reads a parameter
            // bound just before it (the library evaluates arguments in the new frame), recursion, a closure,
            // none of them, a declared one given to a built-in
            "($f := function($a, $b) { $a & '|' & $b }; $f('x'))", "($f := function($a, $b) { [$a, $b] }; $f('x', $a))",
            "($fact := function($n) { $n <= 1 ? 1 : $n * $fact($n - 1) }; $fact(6))",
            "($k := 10; $add := function($a) { $a + $k }; $add(n))",
            "($z := function() { 'z' }; $z() & $z())", "$map([1, 2], function($v) { $v * 2 })",
            "($s := function($v) { $type($v) = 'number' ? $string($v) : $v }; [$s(n), $s(s), $s(a.missing), $s(null), $s(a.b)])",
            "($s := function($v) { $v }; {'a': $s(s), 'b': $s(n), 'c': $s(a.b[2])})"})
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

    @ParameterizedTest
    @ValueSource(strings = {"($f := function($a) { $a }; $f('x', 'y'))", "$nosuch(1)", "($f := function($a) { $a }; $f($nosuch()))",
            "($g := function($a) { $a & '!' }; $h := $g; $h(s))"}) // the library knows no function under a second name
    void failsAsTheLibraryItselfDoes(String expression) throws Exception {
        JsonNode input = JSON.readTree(INPUT);
        Throwable expected = catchThrowable(() -> Expressions.parse(expression).evaluate(input));
        assertThat(expected).isNotNull();
        JsonataExpression cached = new JsonataExpression(expression);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cached.evaluate(input, Map.of())).isInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
        }
    }

    @Test
    void anEvaluationThatFailsLeavesItsCopyFitForTheNext() throws Exception {
        JsonataExpression expression = new JsonataExpression("$number(s) + n");
        assertThatThrownBy(() -> expression.evaluate(JSON.readTree("{\"s\": \"x\", \"n\": 1}"), Map.of()))
                .isInstanceOf(EvaluateException.class);
        assertThat(expression.evaluate(JSON.readTree("{\"s\": \"41\", \"n\": 1}"), Map.of()).asInt()).isEqualTo(42);
    }

    // The budget: each hostile construct is stopped inside the step the library would run to completion.

    private static final String HOSTILE_SUBJECT = "{\"subject\": \"" + "a".repeat(40) + "!\", \"s\": \"text\"}";

    @ParameterizedTest
    @ValueSource(strings = {
            "$pad('', 1000000)", "$pad('', -1000000, 'ab')", "$count([1..10000000]) > 0", "$count([0..100000]) > 0",
            "$match(subject, /(.*a){20}$/)", "$contains(subject, /(.*a){20}$/)", "subject.$replace(/(.*a){20}$/, 'x')",
            "$split(subject, /(.*a){20}$/)", "($f := function($x) { $f($x + 1) }; $f(1))",
            "$replace($pad('', 1000, 'a'), 'a', $pad('', 1000, 'b'))", "$eval('1 + 1')",
            "$join($map([1..2000], function($v) { $pad('', 1000, 'x') }))",
            "$distinct([1..10000])", "$map([1], function($v) { $pad('', 1000000) })", "$map(['x'], function($v) { $match(subject, /(.*a){20}$/) })"})
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a regression fails rather than hangs the build
    void aHostileExpressionFailsWithinItsBudget(String expression) throws Exception {
        JsonataExpression hostile = new JsonataExpression(expression);
        assertThatThrownBy(() -> hostile.evaluate(JSON.readTree(HOSTILE_SUBJECT), Map.of()))
                .isInstanceOf(JsonataBudgetExceeded.class);
        assertThat(new JsonataExpression("subject = 'x' or s = 'text'").evaluate(JSON.readTree(HOSTILE_SUBJECT), Map.of()).asBoolean())
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "$count([1..100000])", "$pad('ab', 1500)", "$length($pad('', -5000, 'é😀x'))", "$match(s, /e(x)t/)",
            "$replace(s, /t/, 'T')", "$split(s, /x/)", "$contains(s, 'ex')", "s.$match(/t/).index",
            "($f := function($n) { $n <= 1 ? 1 : $n * $f($n - 1) }; $f(20))", "$distinct([1, 1, 2])"})
    void anOrdinaryExpressionStaysWithinIt(String expression) throws Exception {
        JsonNode input = JSON.readTree(HOSTILE_SUBJECT);
        Expressions plain = Expressions.parse(expression);
        JsonNode expected = plain.evaluate(input);
        assertThat(new JsonataExpression(expression).evaluate(input, Map.of()))
                .isEqualTo(expected == null ? NullNode.getInstance() : expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab|5|", "ab|-5|", "ab|5|#", "ab|7|xy", "ab|-7|xy", "ab|5|\u0000", "é😀|6|😀ab", "é😀|-6|😀ab",
            "abcdef|3|x", "|4|", "|0|"})
    void aWidePadIsTheLibrarysPadBuiltInLinearTime(String spec) throws Exception {
        String[] parts = spec.split("\\|", -1);
        String padding = parts[2].isEmpty() ? null : parts[2].replace("\\u0000", "");
        String call = "$pad('" + parts[0] + "', " + parts[1] + (padding == null ? "" : ", '" + padding + "'") + ")";
        JsonNode expected = Expressions.parse(call).evaluate(null);
        assertThat(BudgetedVisitor.pad(parts[0], Integer.parseInt(parts[1]), padding)).isEqualTo(expected.asText());
    }

    @Test
    void theBudgetIsConfigurable() throws Exception {
        JsonataBudget small = new JsonataBudget(java.time.Duration.ofMillis(50), org.springframework.util.unit.DataSize.ofBytes(100), 10, 200);
        JsonNode input = JSON.readTree(HOSTILE_SUBJECT);
        assertThat(new JsonataExpression("$count([1..10])", small).evaluate(input, Map.of()).asInt()).isEqualTo(10);
        assertThatThrownBy(() -> new JsonataExpression("$count([1..11])", small).evaluate(input, Map.of()))
                .isInstanceOf(JsonataBudgetExceeded.class).hasMessageContaining("range of 11 elements");
        assertThatThrownBy(() -> new JsonataExpression("$join([s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s])", small)
                .evaluate(input, Map.of())).isInstanceOf(JsonataBudgetExceeded.class);
    }

    @Test
    void aCopyOverBudgetIsNotReused() throws Exception {
        JsonataExpression expression = new JsonataExpression("n > 0 ? $count([1..n]) : 0");
        assertThatThrownBy(() -> expression.evaluate(JSON.readTree("{\"n\": 10000000}"), Map.of()))
                .isInstanceOf(JsonataBudgetExceeded.class);
        assertThat(expression.evaluate(JSON.readTree("{\"n\": 3}"), Map.of()).asInt()).isEqualTo(3);
    }

    /** Advances one second at each of its first {@code slow} readings, then stands still: an evaluation slowed once, as by the JIT. */
    private static final class SlowFirstClock implements java.util.function.LongSupplier {
        private int slow;
        private long now;
        private int readings;

        SlowFirstClock(int slow) {
            this.slow = slow;
        }

        @Override
        public long getAsLong() {
            readings++;
            if (slow-- > 0) {
                now += 1_000_000_000L;
            }
            return now;
        }
    }

    private static final String THOUSAND_STEPS = "$sum([1..300].($ * 2))";

    @Test
    void anEvaluationSlowOnceIsRunAgainAndAnswers() throws Exception {
        // the first run's start and its first reading after 256 steps each take a second: over its 50 ms
        JsonataExpression expression = new JsonataExpression(THOUSAND_STEPS, JsonataBudget.DEFAULT, new SlowFirstClock(2));
        assertThat(expression.evaluate(NullNode.getInstance(), Map.of()).asInt()).isEqualTo(90_300);
    }

    @Test
    void anEvaluationSlowTwiceFails() {
        JsonataExpression expression = new JsonataExpression(THOUSAND_STEPS, JsonataBudget.DEFAULT, new SlowFirstClock(4));
        assertThatThrownBy(() -> expression.evaluate(NullNode.getInstance(), Map.of()))
                .isInstanceOf(JsonataBudgetExceeded.class).hasMessageContaining("ms of CPU time");
    }

    @Test
    void anOverrunOfAnotherLimitIsNotRunAgain() {
        SlowFirstClock clock = new SlowFirstClock(0);
        JsonataExpression expression = new JsonataExpression("$count([1..200000])", JsonataBudget.DEFAULT, clock);
        assertThatThrownBy(() -> expression.evaluate(NullNode.getInstance(), Map.of()))
                .isInstanceOf(JsonataBudgetExceeded.class).hasMessageContaining("range of 200000 elements");
        assertThat(clock.readings).as("one evaluation started, one reading of the clock").isEqualTo(1);
    }
}
