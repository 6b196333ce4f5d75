package io.tributary.system;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one evaluation of a JSONata expression (a subscription's filter, a provider's mapping) may
 * spend: {@code tributary.jsonata.*}. JSONata4Java checks its own time and depth limits only between
 * the nodes of the tree, so a single node ({@code $pad("", 1000000)}, {@code [1..10000000]}, a
 * backtracking regex) could run for minutes or fill the heap; these limits are checked inside them.
 * An evaluation over any of them fails with {@link JsonataBudgetExceeded}.
 *
 * @param time      CPU time of the evaluating thread (a GC pause or a busy machine does not count);
 *                  also checked inside a regex match
 * @param maxOutput memory the evaluation may fill with the strings it builds (function results and
 *                  {@code &}), in total, at two bytes a character; values read from the input do not count
 * @param maxRange  elements of a range ({@code [a..b]}), refused before it is built, and of any array a
 *                  function gives
 * @param maxDepth  nesting of evaluation (recursion through a function that calls itself)
 */
@ConfigurationProperties("tributary.jsonata")
public record JsonataBudget(@DefaultValue("50ms") Duration time, @DefaultValue("1MB") DataSize maxOutput,
                            @DefaultValue("100000") int maxRange, @DefaultValue("200") int maxDepth) {

    /** The defaults, for code (and tests) that run without Spring's configuration. */
    public static final JsonataBudget DEFAULT = new JsonataBudget(Duration.ofMillis(50), DataSize.ofMegabytes(1), 100_000, 200);

    public JsonataBudget {
        time = time == null ? Duration.ofMillis(50) : time;
        maxOutput = maxOutput == null ? DataSize.ofMegabytes(1) : maxOutput;
        if (time.isNegative() || time.isZero() || maxOutput.toBytes() <= 0 || maxRange <= 0 || maxDepth <= 0) {
            throw new IllegalArgumentException("tributary.jsonata: every limit must be positive");
        }
    }
}
