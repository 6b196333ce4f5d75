package io.tributary.api;

import io.tributary.delivery.DeliveryActivity;
import io.tributary.delivery.DeliveryHealth;
import io.tributary.delivery.DeliveryStore;
import io.tributary.delivery.SubscriptionHealth;
import io.tributary.store.ActivityCount;
import io.tributary.store.EventStore;
import io.tributary.store.QuarantineGroup;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the console's overview draws: events by provider and type, deliveries' outcomes and the wait
 * for their first attempt, over the last hour (by minute) or day (by quarter hour), from the store, so
 * every member of a cluster shows the same; and what needs a look now.
 */
@RestController
class StatsController {

    private final EventStore events;
    private final DeliveryStore deliveries;
    private final DeliveryHealth health;
    private final Subscriptions subscriptions;
    private final Clock clock = Clock.systemUTC();

    StatsController(EventStore events, DeliveryStore deliveries, DeliveryHealth health, Subscriptions subscriptions) {
        this.events = events;
        this.deliveries = deliveries;
        this.health = health;
        this.subscriptions = subscriptions;
    }

    /** What needs a look: payloads in quarantine, dead letters, paused subscriptions, deliveries held. */
    record Totals(long quarantined, long deadLetters, long held, int subscriptions, List<String> paused) {
    }

    /**
     * @param from          the first bucket's start
     * @param bucketSeconds each bucket's length
     */
    record Stats(String window, Instant from, int bucketSeconds, List<ActivityCount> events, List<DeliveryActivity> deliveries,
                 Totals totals) {
    }

    @GetMapping("/api/v1/stats")
    Stats stats(@RequestParam(defaultValue = "1h") String window) {
        Duration length;
        int bucket;
        switch (window) {
            case "1h" -> {
                length = Duration.ofHours(1);
                bucket = 60;
            }
            case "24h" -> {
                length = Duration.ofHours(24);
                bucket = 900;
            }
            default -> throw ProblemException.invalidField("window", "must be 1h or 24h.");
        }
        Instant now = clock.instant();
        // whole buckets: the first one starts where the window does, rounded down
        Instant from = Instant.ofEpochSecond((now.minus(length).getEpochSecond() / bucket + 1) * bucket);
        var recent = health.recent(Duration.ofHours(1));
        List<Subscription> all = subscriptions.all();
        Totals totals = new Totals(events.quarantineGroups().stream().mapToLong(QuarantineGroup::count).sum(),
                recent.values().stream().mapToLong(SubscriptionHealth::deadLetters).sum(),
                recent.values().stream().mapToLong(SubscriptionHealth::held).sum(),
                all.size(), all.stream().filter(Subscription::paused).map(Subscription::id).toList());
        return new Stats(window, from, bucket, events.activity(from, bucket), deliveries.activity(from, bucket), totals);
    }
}
