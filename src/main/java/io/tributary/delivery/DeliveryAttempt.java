package io.tributary.delivery;

import java.time.Instant;

/**
 * One HTTP try.
 *
 * @param number             1 for the first attempt
 * @param status             the HTTP status, or {@code null} when no response came (connect error, timeout)
 * @param responseDurationMs from sending to the response (or the failure)
 * @param response           the start of the response body, at most {@code tributary.delivery.response-excerpt}
 * @param error              what went wrong without a response, else {@code null}
 * @param nextAttemptAt      when the next attempt goes out, {@code null} when there is none
 */
public record DeliveryAttempt(int number, Instant at, Integer status, long responseDurationMs, String response,
                              String error, Instant nextAttemptAt) {
}
