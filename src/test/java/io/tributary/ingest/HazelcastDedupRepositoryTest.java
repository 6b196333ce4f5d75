package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dedup repository on a real Hazelcast member. */
class HazelcastDedupRepositoryTest {

    static HazelcastInstance member;

    @BeforeAll
    static void start() {
        Config config = new Config().setClusterName("dedup-test-" + System.nanoTime());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(5901).getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
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
    void removedKeyCanBeAddedAgain() {
        var repo = new HazelcastDedupRepository(member.getMap("dedup-remove"), Duration.ofHours(1));
        assertThat(repo.add("evt_2")).isTrue();
        assertThat(repo.remove("evt_2")).isTrue();
        assertThat(repo.add("evt_2")).isTrue();
    }
}
