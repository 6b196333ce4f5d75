package io.tributary.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tributary.store.Journal;
import io.tributary.store.PostgresDatabases;
import io.tributary.store.SqlDialect;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Several members claiming what is due from one database: every delivery is taken by exactly one of
 * them. And a member's own writes to its deliveries never deadlock each other.
 */
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
        List<Journal> journals = new ArrayList<>();
        try {
            List<Future<List<Delivery>>> claims = new ArrayList<>();
            for (int m = 0; m < 4; m++) {
                String member = "member-" + m;
                Journal journal = new Journal(db, new SimpleMeterRegistry(), Duration.ofSeconds(30)); // each member its own
                journals.add(journal);
                DeliveryStore store = new DeliveryStore(jdbc, journal, null, new ObjectMapper(), SqlDialect.of(db));
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
            for (Journal journal : journals) {
                journal.close();
            }
        }
    }

    /**
     * Outcomes of attempts committed in batches while the recovery renews the leases of the same
     * deliveries: the renewals take their turn in the member's one writer, so no batch is ever failed by
     * the database as a deadlock (and written again one write at a time, every webhook waiting on it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void leaseRenewalsBesideBatchesOfOutcomesNeverFailABatch(String name, DataSource db) throws Exception {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        Timestamp now = Timestamp.from(Instant.now());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add("e" + i + "/s");
            jdbc.update("INSERT INTO tributary_delivery (id, event_id, subscription_id, status, held, attempt_count, created_at,"
                    + " next_attempt_at, claim, lease_owner, lease_until) VALUES (?, ?, 's', 'PENDING', FALSE, 0, ?, ?, 1, 'member', ?)",
                    ids.get(i), "e" + i, now, now, now);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ExecutorService workers = Executors.newFixedThreadPool(9);
        try (Journal journal = new Journal(db, meters, Duration.ofSeconds(30))) {
            DeliveryStore store = new DeliveryStore(jdbc, journal, null, new ObjectMapper(), SqlDialect.of(db));
            AtomicBoolean renewing = new AtomicBoolean(true);
            List<Future<?>> outcomes = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int first = w;
                outcomes.add(workers.submit(() -> {
                    // an attempt's outcome, as a worker records it: the rows in no order the renewal shares
                    for (int n = first; renewing.get(); n += 7) {
                        String id = ids.get(Math.floorMod(n * 31, ids.size()));
                        journal.write(List.of(new Journal.Op("UPDATE tributary_delivery SET attempt_count = attempt_count + 1"
                                + " WHERE id = ? AND claim = 1", st -> st.setString(1, id))));
                    }
                    return null;
                }));
            }
            Future<?> renewals = workers.submit(() -> {
                try {
                    for (int round = 0; round < 40; round++) {
                        store.renew("member", ids, Instant.now().plus(Duration.ofMinutes(1)));
                    }
                } finally {
                    renewing.set(false);
                }
                return null;
            });
            renewals.get();
            for (Future<?> outcome : outcomes) {
                outcome.get();
            }
        } finally {
            workers.shutdownNow();
        }
        assertThat(meters.counter("tributary.journal.split").count()).as("batches failed and written again one by one").isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM tributary_delivery WHERE lease_until > ?", Integer.class, now))
                .as("every lease renewed").isEqualTo(200);
    }
}
