package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DedupWindowTest {

    /** A clock the test moves: the window's length is checked without waiting for it. */
    private final AtomicLong now = new AtomicLong();
    private final Ticker ticker = now::get;

    @Test
    void firstAddWinsAndTheKeyIsForgottenAfterTheWindow() {
        var window = new DedupWindow(Duration.ofHours(48), 1_000, ticker);
        assertThat(window.add("evt_1")).isTrue();
        assertThat(window.add("evt_1")).isFalse();
        assertThat(window.contains("evt_1")).isTrue();
        now.addAndGet(Duration.ofHours(47).toNanos());
        assertThat(window.contains("evt_1")).as("still inside the window").isTrue();
        now.addAndGet(Duration.ofHours(1).toNanos());
        assertThat(window.contains("evt_1")).as("the window is over").isFalse();
        assertThat(window.add("evt_1")).isTrue();
    }

    @Test
    void theWindowHoldsAtMostItsConfiguredNumberOfKeys() {
        var window = new DedupWindow(Duration.ofHours(48), 1_000, ticker);
        for (int i = 0; i < 20_000; i++) {
            assertThat(window.add("evt_bounded_" + i)).isTrue();
        }
        assertThat(window.size()).as("bounded by dedup-max-entries (1000)").isPositive().isLessThanOrEqualTo(1_000);
        assertThat(window.add("evt_bounded_19999")).as("the most recent key is kept").isFalse();
    }

    @Test
    void aCompletedExchangesKeyEntersTheWindow() {
        var window = new DedupWindow(Duration.ofHours(1), 1_000, ticker);
        assertThat(window.add(null, "evt_3")).as("the answer Camel ignores at completion").isTrue();
        assertThat(window.contains("evt_3")).isTrue();
        assertThat(window.add("evt_3")).isFalse();
        now.addAndGet(Duration.ofMinutes(61).toNanos());
        assertThat(window.contains("evt_3")).as("kept for the window's length").isFalse();
    }

    @Test
    void removedKeyCanBeAddedAgain() {
        var window = new DedupWindow(Duration.ofHours(1), 1_000, ticker);
        assertThat(window.add("evt_2")).isTrue();
        assertThat(window.remove("evt_2")).isTrue();
        assertThat(window.add("evt_2")).isTrue();
    }
}
