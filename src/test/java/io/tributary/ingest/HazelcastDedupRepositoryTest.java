package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The dedup repository on a real Hazelcast member. */
class HazelcastDedupRepositoryTest {

    static HazelcastInstance member;

    @BeforeAll
    static void start() {
        Config config = new Config().setClusterName("dedup-test-" + System.nanoTime());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(5901).getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.addMapConfig(new IngestConfiguration().dedupMap(new IngestProperties(DataSize.ofMegabytes(1),
                Duration.ofHours(48), 1_000, 64, DataSize.ofKilobytes(256), 1000, List.of(), Duration.ofSeconds(10), 100)));
        member = Hazelcast.newHazelcastInstance(config);
    }

    @AfterAll
    static void stop() {
        member.shutdown();
    }

    @Test
    void firstAddWinsAndTheKeyIsForgottenAfterTheWindow() {
        var repo = new HazelcastDedupRepository(member.getMap("dedup-window"), Duration.ofSeconds(1));
        assertThat(repo.add("evt_1")).isTrue();
        assertThat(repo.add("evt_1")).isFalse();
        assertThat(repo.contains("evt_1")).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !repo.contains("evt_1"));
        assertThat(repo.add("evt_1")).isTrue();
    }

    @Test
    void theWindowHoldsAtMostItsConfiguredNumberOfKeys() {
        var repo = new HazelcastDedupRepository(member.getMap(IngestConfiguration.DEDUP_MAP), Duration.ofHours(48));
        for (int i = 0; i < 20_000; i++) {
            assertThat(repo.add("evt_bounded_" + i)).isTrue();
        }
        assertThat(member.getMap(IngestConfiguration.DEDUP_MAP).size()).as("bounded near dedup-max-entries (1000)")
                .isPositive().isLessThanOrEqualTo(1_100);
        assertThat(repo.add("evt_bounded_19999")).as("the most recent key is kept").isFalse();
    }

    @Test
    void aCompletedExchangesKeyEntersTheWindowWithItsTimeToLive() {
        var repo = new HazelcastDedupRepository(member.getMap("dedup-completed"), Duration.ofHours(1));
        assertThat(repo.add(null, "evt_3")).as("the answer Camel ignores at completion").isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> repo.contains("evt_3"));
        assertThat(repo.add("evt_3")).isFalse();
        assertThat(member.getMap("dedup-completed").getEntryView("evt_3").getTtl()).as("the window's time to live")
                .isEqualTo(Duration.ofHours(1).toMillis());
    }

    @Test
    void removedKeyCanBeAddedAgain() {
        var repo = new HazelcastDedupRepository(member.getMap("dedup-remove"), Duration.ofHours(1));
        assertThat(repo.add("evt_2")).isTrue();
        assertThat(repo.remove("evt_2")).isTrue();
        assertThat(repo.add("evt_2")).isTrue();
    }
}
