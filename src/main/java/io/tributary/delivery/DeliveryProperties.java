package io.tributary.delivery;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Outbound delivery: {@code tributary.delivery.*}.
 *
 * @param retrySchedule      when each attempt goes out, counted from the previous failure; the first
 *                           entry is the first attempt. Default: Standard Webhooks' recommendation
 * @param jitter             each delay is spread by up to this fraction either way, so retries of many
 *                           deliveries do not arrive at once (0 to 1)
 * @param connectTimeout     TCP connect timeout per attempt
 * @param requestTimeout     the deadline of each attempt, for all of it: connect, request, response
 *                           headers and the whole response body (a subscriber that trickles its body is
 *                           cut off then)
 * @param maxRetryAfter      the longest {@code Retry-After} (on 429 and 503) that is honoured
 * @param pauseAfterFailures consecutive failed attempts after which a subscription is paused
 * @param maxInFlight        requests in flight to one subscription at once; the rest wait in order
 * @param responseExcerpt    how much of a subscriber's response body is kept with each attempt
 * @param shortRetryHorizon  a retry due within this waits in memory (Camel's redelivery, the member
 *                           keeps the delivery); a later one is parked in the database as due at its
 *                           time, and taken by whichever member's recovery pass finds it due
 * @param lease              how long a member's claim on a delivery lasts unless renewed; each member
 *                           renews what it works on at every recovery pass, so this only says how long a
 *                           member that stopped renewing (hung, cut off) keeps others from its deliveries
 * @param recoveryInterval   how often each member renews its leases, takes back what it dropped, and
 *                           takes what is due and unclaimed (parked retries, expired leases, members gone)
 */
@ConfigurationProperties("tributary.delivery")
public record DeliveryProperties(
        @DefaultValue({"0s", "5s", "5m", "30m", "2h", "5h", "10h", "14h", "20h", "24h"}) List<Duration> retrySchedule,
        @DefaultValue("0.1") double jitter,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("15s") Duration requestTimeout,
        @DefaultValue("1h") Duration maxRetryAfter,
        @DefaultValue("10") int pauseAfterFailures,
        @DefaultValue("4") int maxInFlight,
        @DefaultValue("4KB") DataSize responseExcerpt,
        @DefaultValue("1m") Duration shortRetryHorizon,
        @DefaultValue("60s") Duration lease,
        @DefaultValue("10s") Duration recoveryInterval) {

    public DeliveryProperties {
        if (retrySchedule == null || retrySchedule.isEmpty()) {
            throw new IllegalArgumentException("tributary.delivery.retry-schedule needs at least one entry");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("tributary.delivery.jitter must be between 0 and 1");
        }
        if (lease.compareTo(recoveryInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("tributary.delivery.lease must be at least twice tributary.delivery.recovery-interval,"
                    + " so a live member always renews its leases in time");
        }
        retrySchedule = List.copyOf(retrySchedule);
    }
}
