package io.tributary.delivery;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * Finds deliveries nobody is working on and queues them again: at start (the previous process's
 * work), when a member leaves the cluster, and every {@code tributary.delivery.recovery-interval}
 * (partitions that moved here since).
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

    @EventListener(ApplicationReadyEvent.class)
    public void started() {
        ready = true;
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
        // partitions move to it; whatever it owns and nobody works on, its own scans take
    }

    synchronized void recover(String why) {
        if (!ready) {
            return;
        }
        try {
            Set<String> live = hazelcast.getCluster().getMembers().stream()
                    .map(Member::getUuid).map(Object::toString).collect(Collectors.toSet());
            int taken = dispatcher.recover(live);
            if (taken > 0) {
                log.info("recovery ({}): queued {} deliveries again", why, taken);
            }
        } catch (RuntimeException e) {
            log.warn("recovery ({}) failed: {}", why, e.getMessage());
        }
    }
}
