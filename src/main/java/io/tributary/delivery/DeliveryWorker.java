package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.store.EventStore;
import io.tributary.store.StoredEvent;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.subscription.Subscriptions;
import io.tributary.system.NetworkPolicy;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt, the step of {@code routes/delivery.camel.yaml} that Camel's redelivery calls
 * again after each failure. It is asynchronous end to end: the request goes out on the JDK HTTP
 * client and no thread waits for the subscriber, nor for the next attempt.
 *
 * <p>The delivery's record (attempts, status, next attempt) lives in the {@link DeliveryStore}, not in
 * the exchange: the schedule position is the number of attempts made, so a delivery picked up again
 * after a restart continues its schedule where it was.
 */
final class DeliveryWorker extends AsyncProcessorSupport implements AsyncProcessor {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    /** Header with the dispatch number the exchange was queued with (see {@link Delivery#dispatch()}). */
    static final String DISPATCH = "TributaryDispatch";
    /** Header with the canonical event, when the fan-out queued the delivery (saves a store read). */
    static final String EVENT = "TributaryEvent";

    private final DeliveryStore store;
    private final EventStore events;
    private final SubscriptionRegistry registry;
    private final Subscriptions subscriptions;
    private final OutboundRequests requests;
    private final HttpClient http;
    /** The HTTP client's completion threads: the route goes on there once an attempt is recorded. */
    private final java.util.concurrent.Executor completions;
    private final SubscriberLanes lanes;
    private final DeliveryMetrics metrics;
    private final DeliveryProperties properties;
    private final NetworkPolicy network;
    private final Clock clock;

    DeliveryWorker(DeliveryStore store, EventStore events, SubscriptionRegistry registry, Subscriptions subscriptions,
                   OutboundRequests requests, HttpClient http, SubscriberLanes lanes, DeliveryMetrics metrics,
                   DeliveryProperties properties, NetworkPolicy network, Clock clock) {
        this.store = store;
        this.events = events;
        this.registry = registry;
        this.subscriptions = subscriptions;
        this.requests = requests;
        this.http = http;
        this.completions = http.executor().orElse(java.util.concurrent.ForkJoinPool.commonPool());
        this.lanes = lanes;
        this.metrics = metrics;
        this.properties = properties;
        this.network = network;
        this.clock = clock;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String deliveryId = exchange.getMessage().getBody(String.class);
        Optional<Delivery> found = store.delivery(deliveryId);
        Integer dispatch = exchange.getMessage().getHeader(DISPATCH, Integer.class);
        if (found.isEmpty() || found.get().status() == DeliveryStatus.SUCCEEDED || found.get().status() == DeliveryStatus.EXHAUSTED
                || (dispatch != null && dispatch != found.get().dispatch())) {
            callback.done(true); // settled, or queued again since (a resume, a replay, a recovery)
            return true;
        }
        Delivery delivery = found.get();
        Optional<Subscription> subscription = registry.current(delivery.subscriptionId());
        // The fan-out hands the event along; a recovered or replayed delivery reads it from the store.
        ObjectNode handed = exchange.getMessage().getHeader(EVENT, ObjectNode.class);
        Optional<ObjectNode> event = handed != null ? Optional.of(handed) : events.event(delivery.eventId()).map(StoredEvent::event);
        if (subscription.isEmpty() || event.isEmpty()) {
            store.save(delivery.with(DeliveryStatus.EXHAUSTED, false, null));
            log.info("delivery {} dropped: its {} is gone", deliveryId, subscription.isEmpty() ? "subscription" : "event");
            callback.done(true);
            return true;
        }
        if (subscription.get().paused()) {
            store.save(delivery.with(DeliveryStatus.PENDING, true, null));
            callback.done(true);
            return true;
        }
        Instant now = clock.instant();
        if (delivery.nextAttemptAt() != null && now.isBefore(delivery.nextAttemptAt())) {
            retryAfter(exchange, Duration.between(now, delivery.nextAttemptAt()), "not due yet");
            callback.done(true);
            return true;
        }
        lanes.submit(delivery.subscriptionId(), () -> send(exchange, callback, delivery, subscription.get(), event.get()));
        return false;
    }

    private void send(Exchange exchange, AsyncCallback callback, Delivery delivery, Subscription subscription, ObjectNode event) {
        Instant started = clock.instant();
        String refusal = network.refusal(java.net.URI.create(subscription.url()));
        if (refusal != null) {
            // Never sent: no schedule would make the address acceptable. Straight to the dead letters.
            lanes.release(subscription.id());
            store.save(delivery.withAttempt(new DeliveryAttempt(delivery.attemptCount() + 1, started, null, 0, null, refusal, null),
                    DeliveryStatus.EXHAUSTED, null));
            log.warn("delivery {} refused: {}", delivery.id(), refusal);
            exchange.setException(new DeliveryExhausted(refusal));
            callback.done(false);
            return;
        }
        // No SENDING write: a delivery in flight stays PENDING or RETRY_SCHEDULED in the store, which
        // is what recovery needs to send it again after a crash; one write fewer per attempt.
        try {
            http.sendAsync(requests.build(event, subscription, started),
                            responseInfo -> LimitedBody.subscriber((int) properties.responseExcerpt().toBytes()))
                    .whenComplete((response, failure) -> {
                        lanes.release(subscription.id());
                        settleDurably(exchange, callback, delivery, subscription, started, response, failure);
                    });
        } catch (RuntimeException e) {
            lanes.release(subscription.id());
            settleDurably(exchange, callback, delivery, subscription, started, null, e);
        }
    }

    /**
     * Records the attempt and lets the route go on (done, retry later, or dead letter) once the record
     * is durable. The write is group-committed by the journal; no thread waits for it, and the route
     * continues on the HTTP client's completion threads, not the journal's.
     */
    private void settleDurably(Exchange exchange, AsyncCallback callback, Delivery delivery, Subscription subscription,
                               Instant started, HttpResponse<byte[]> response, Throwable failure) {
        Delivery recorded;
        try {
            recorded = settle(exchange, delivery, subscription, started, response, failure);
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(false);
            return;
        }
        store.saveAsync(recorded, completions).whenComplete((saved, notSaved) -> {
            if (notSaved != null) {
                exchange.setException(notSaved);
            }
            callback.done(false);
        });
    }

    /** Decides what the attempt means (and sets the exchange's outcome); returns the delivery to record. */
    private Delivery settle(Exchange exchange, Delivery delivery, Subscription subscription, Instant started,
                            HttpResponse<byte[]> response, Throwable failure) {
        Instant now = clock.instant();
        long durationMs = Duration.between(started, now).toMillis();
        int number = delivery.attemptCount() + 1;
        Integer status = response == null ? null : response.statusCode();
        String excerpt = response == null ? null : new String(response.body(), StandardCharsets.UTF_8);
        String error = failure == null ? null : describe(failure);
        metrics.attempt(subscription.id(), status, durationMs);

        if (status != null && status >= 200 && status < 300) {
            store.succeeded(subscription.id());
            return delivery.withAttempt(new DeliveryAttempt(number, started, status, durationMs, excerpt, null, null),
                    DeliveryStatus.SUCCEEDED, null);
        }
        if (status != null && status == 410) {
            // The subscriber says the endpoint is gone for good: stop, but keep the event for a resume.
            subscriptions.pause(subscription.id(), "gone");
            log.warn("subscription {} answered 410 Gone: paused", subscription.id());
            return delivery.withAttempt(new DeliveryAttempt(number, started, status, durationMs, excerpt, null, null),
                    DeliveryStatus.PENDING, null).with(DeliveryStatus.PENDING, true, null);
        }
        int failures = store.failed(subscription.id());
        boolean pause = failures >= properties.pauseAfterFailures();
        if (pause) {
            subscriptions.pause(subscription.id(), "failing");
            log.warn("subscription {} paused after {} consecutive failed attempts", subscription.id(), failures);
        }
        List<Duration> schedule = properties.retrySchedule();
        if (number >= schedule.size()) {
            exchange.setException(new DeliveryExhausted("delivery " + delivery.id() + " failed " + number + " times"));
            return delivery.withAttempt(new DeliveryAttempt(number, started, status, durationMs, excerpt, error, null),
                    DeliveryStatus.EXHAUSTED, null);
        }
        if (pause) {
            // Held with its attempts so far; a resume sends it again, in order with the others held.
            return delivery.withAttempt(new DeliveryAttempt(number, started, status, durationMs, excerpt, error, null),
                    DeliveryStatus.PENDING, null).with(DeliveryStatus.PENDING, true, null);
        }
        Duration delay = jittered(schedule.get(number));
        Duration retryAfter = retryAfter(response);
        if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
            delay = retryAfter;
        }
        Instant next = now.plus(delay);
        retryAfter(exchange, delay, "attempt " + number + " failed");
        return delivery.withAttempt(new DeliveryAttempt(number, started, status, durationMs, excerpt, error, next),
                DeliveryStatus.RETRY_SCHEDULED, next);
    }

    /** Camel's redelivery waits this long, then calls {@link #process} again. */
    private static void retryAfter(Exchange exchange, Duration delay, String why) {
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.max(0, delay.toMillis()));
        exchange.setException(new RetryLater(why));
    }

    private Duration jittered(Duration delay) {
        if (properties.jitter() == 0 || delay.isZero()) {
            return delay;
        }
        double factor = 1 + properties.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
        return Duration.ofMillis(Math.round(delay.toMillis() * factor));
    }

    /** {@code Retry-After} of a 429 or 503, in seconds or as an HTTP date, at most {@code max-retry-after}. */
    private Duration retryAfter(HttpResponse<?> response) {
        if (response == null || (response.statusCode() != 429 && response.statusCode() != 503)) {
            return null;
        }
        String value = response.headers().firstValue("Retry-After").orElse(null);
        if (value == null) {
            return null;
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Long.parseLong(value.trim()));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(clock.instant(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (RuntimeException notADate) {
                return null;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(properties.maxRetryAfter()) > 0 ? properties.maxRetryAfter() : wait;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
