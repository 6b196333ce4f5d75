package io.tributary.delivery;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Runs the dispatcher's recovery pass: at start (the previous process's work, whose member is gone),
 * when a member leaves the cluster, and every {@code tributary.delivery.recovery-interval}. A pass
 * that fails (the database is down) is simply tried again at the next one.
 */
final class DeliveryRecovery implements MembershipListener {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRecovery.class);

    private final DeliveryDispatcher dispatcher;
    private final HazelcastInstance hazelcast;
    private volatile boolean ready;

    DeliveryRecovery(DeliveryDispatcher dispatcher, HazelcastInstance hazelcast) {
        this.dispatcher = dispatcher;
        this.hazelcast = hazelcast;
        hazelcast.getCluster().addMembershipListener(this);
    }

    /** After the runners (the declared subscriptions among them): held deliveries of unpaused subscriptions go, then a pass. */
    @EventListener(ApplicationReadyEvent.class)
    public void started() {
        ready = true;
        try {
            int released = dispatcher.releaseUnpaused();
            if (released > 0) {
                log.info("start: released {} deliveries held for subscriptions no longer paused", released);
            }
        } catch (RuntimeException e) {
            log.warn("start: held deliveries of unpaused subscriptions not released ({}); a resume releases them",
                    e.getClass().getSimpleName());
        }
        recover("start");
    }

    @Scheduled(fixedDelayString = "${tributary.delivery.recovery-interval:10s}", initialDelayString = "${tributary.delivery.recovery-interval:10s}")
    public void periodically() {
        recover("scan");
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        recover("member " + event.getMember().getAddress() + " left");
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        // it takes its share of what is due at its own passes
    }

    void recover(String why) {
        if (!ready) {
            return;
        }
        try {
            int taken = dispatcher.recover();
            if (taken > 0) {
                log.info("recovery ({}): took {} deliveries", why, taken);
            }
        } catch (RuntimeException e) {
            log.warn("recovery ({}) failed, tried again at the next pass: {}", why, e.getClass().getSimpleName());
        }
    }
}
