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
 * @param requestTimeout     whole-request timeout per attempt
 * @param maxRetryAfter      the longest {@code Retry-After} (on 429 and 503) that is honoured
 * @param pauseAfterFailures consecutive failed attempts after which a subscription is paused
 * @param maxInFlight        requests in flight to one subscription at once; the rest wait in order
 * @param responseExcerpt    how much of a subscriber's response body is kept with each attempt
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
        @DefaultValue("4KB") DataSize responseExcerpt) {

    public DeliveryProperties {
        if (retrySchedule == null || retrySchedule.isEmpty()) {
            throw new IllegalArgumentException("tributary.delivery.retry-schedule needs at least one entry");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("tributary.delivery.jitter must be between 0 and 1");
        }
        retrySchedule = List.copyOf(retrySchedule);
    }
}
