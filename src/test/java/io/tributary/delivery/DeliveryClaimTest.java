package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.store.PostgresDatabases;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Several members claiming what is due from one database: every delivery is taken by exactly one of them. */
class DeliveryClaimTest {

    static Stream<Arguments> databases() {
        return PostgresDatabases.h2AndPostgres("claims");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void membersClaimingAtOnceNeverTakeTheSameDelivery(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        Timestamp due = Timestamp.from(Instant.now().minusSeconds(5));
        for (int i = 0; i < 300; i++) {
            jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at,"
                    + " next_attempt_at, claim, lease_owner, lease_until) VALUES (?, ?, 's', 'RETRY_SCHEDULED', FALSE, 1, ?, ?, 3, ?, ?)",
                    "e" + i + "/s", "e" + i, due, due, i % 2 == 0 ? null : "gone-member", i % 2 == 0 ? null : due);
        }
        Set<String> live = Set.of("member-0", "member-1", "member-2", "member-3");
        ExecutorService members = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Delivery>>> claims = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                String member = "member-" + m;
                DeliveryStore store = new DeliveryStore(jdbc, null, null, new ObjectMapper());
                claims.add(members.submit(() -> {
                    List<Delivery> mine = new ArrayList<>();
                    for (List<Delivery> due2 = store.claimable(Instant.now(), live, null, 50); !due2.isEmpty();
                         due2 = store.claimable(Instant.now(), live, null, 50)) {
                        mine.addAll(store.claim(due2, member, Instant.now().plus(Duration.ofMinutes(1))));
                    }
                    return mine;
                }));
            }
            Set<String> taken = new HashSet<>();
            int total = 0;
            for (Future<List<Delivery>> claim : claims) {
                for (Delivery d : claim.get()) {
                    total++;
                    taken.add(d.id());
                    assertThat(d.claim()).isEqualTo(4);
                }
            }
            assertThat(total).as("no delivery taken twice").isEqualTo(300);
            assertThat(taken).hasSize(300);
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_delivery WHERE claim = 4 AND lease_owner LIKE 'member-%'",
                    Integer.class)).isEqualTo(300);
        } finally {
            members.shutdownNow();
        }
    }
}
