package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.tributary.store.EventStore;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionRegistry;
import io.tributary.system.LogKeys;
import io.tributary.system.NetworkPolicy;
import io.tributary.system.Tracing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One delivery attempt, the step of {@code routes/delivery.camel.yaml}, and the one owner of a
 * delivery's schedule: it sends, records the attempt, and decides the next step, in that order.
 * It is asynchronous end to end: the request goes out on the {@link SubscriberClient} and no thread
 * waits for the subscriber, nor for the next attempt.
 *
 * <p>After a failure the next attempt is either near ({@code short-retry-horizon}, one minute by
 * default): Camel's redelivery waits for it, holding no thread, and the member keeps its lease; or
 * far: the delivery is recorded as due at that time with no lease, the exchange ends, and whichever
 * member's recovery pass finds it due takes it. No exchange is held in memory for hours. At the end of
 * the schedule the exchange goes to Camel's dead-letter channel ({@link DeadLetters}).
 */
final class DeliveryWorker extends AsyncProcessorSupport implements AsyncProcessor {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final DeliveryStore store;
    private final EventStore events;
    private final InFlight inFlight;
    private final SubscriptionRegistry registry;
    private final OutboundRequests requests;
    private final SubscriberClient http;
    /** The HTTP client's completion threads: the route goes on there once an attempt is recorded. */
    private final Executor completions;
    /**
     * Where a delivery runs its subscription's filter when that did not answer while the webhook waited:
     * threads of their own, so a slow filter holds up no queue that other subscriptions' deliveries use.
     */
    private final Executor filters;
    private final Tracing tracing;
    private final SubscriberLanes lanes;
    private final DeliveryMetrics metrics;
    private final DeliveryFailures failures;
    private final DeliveryProperties properties;
    private final String member;
    private final Clock clock;

    private final OperationalEvents operational;

    DeliveryWorker(DeliveryStore store, EventStore events, InFlight inFlight, SubscriptionRegistry registry,
                   OutboundRequests requests, SubscriberClient http, SubscriberLanes lanes,
                   DeliveryMetrics metrics, DeliveryFailures failures, DeliveryProperties properties,
                   String member, Executor filters, Tracing tracing, Clock clock, OperationalEvents operational) {
        this.operational = operational;
        this.store = store;
        this.events = events;
        this.inFlight = inFlight;
        this.registry = registry;
        this.requests = requests;
        this.http = http;
        this.completions = http.completions();
        this.lanes = lanes;
        this.metrics = metrics;
        this.failures = failures;
        this.properties = properties;
        this.member = member;
        this.filters = filters;
        this.tracing = tracing;
        this.clock = clock;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        DeliveryJob job = exchange.getMessage().getBody(DeliveryJob.class);
        InFlight.Work work = inFlight.get(job);
        if (work == null) {
            callback.done(true); // claimed again since (a resume, a replay, another member): that claim's exchange works on it
            return true;
        }
        Delivery delivery = work.delivery();
        Subscription subscription = registry.current(delivery.subscriptionId()).orElse(null);
        ObjectNode event = work.event() != null ? work.event() : events.canonical(delivery.eventId()).orElse(null);
        if (subscription == null || event == null) {
            String gone = subscription == null ? "subscription deleted" : "event purged";
            about(log.atInfo(), delivery, event).log("delivery {} dropped: {}", delivery.id(), gone);
            finish(callback, delivery, delivery.with(DeliveryStatus.EXHAUSTED, false, null), null);
            return false;
        }
        if (work.event() == null) {
            inFlight.put(delivery, event); // read once per claim
        }
        if (subscription.paused()) {
            finish(callback, delivery, delivery.with(DeliveryStatus.PENDING, true, null), null);
            return false;
        }
        Instant now = clock.instant();
        if (delivery.nextAttemptAt() != null && now.isBefore(delivery.nextAttemptAt())) {
            retryAfter(exchange, Duration.between(now, delivery.nextAttemptAt()), "not due yet");
            callback.done(true);
            return true;
        }
        if (delivery.filterPending()) {
            filters.execute(() -> filterThenSend(exchange, callback, delivery, subscription, event));
            return false;
        }
        lanes.submit(delivery.subscriptionId(), () -> sendWhenItsTurn(exchange, callback, delivery, event));
        return false;
    }

    /**
     * A lane slot is free: the subscription is read again, since the delivery may have waited for its
     * turn behind slow requests. A subscription paused meanwhile holds it, one deleted drops it, and a
     * delivery claimed again meanwhile (a resume, another member) is left to that claim.
     */
    private void sendWhenItsTurn(Exchange exchange, AsyncCallback callback, Delivery delivery, ObjectNode event) {
        String id = delivery.subscriptionId();
        Subscription now = registry.current(id).orElse(null);
        InFlight.Work work = inFlight.get(new DeliveryJob(delivery.id(), delivery.claim()));
        if (now == null || now.paused() || work == null) {
            lanes.release(id);
            if (now == null) {
                about(log.atInfo(), delivery, event).log("delivery {} dropped: subscription deleted", delivery.id());
                finish(callback, delivery, delivery.with(DeliveryStatus.EXHAUSTED, false, null), null);
            } else if (now.paused()) {
                finish(callback, delivery, delivery.with(DeliveryStatus.PENDING, true, null), null);
            } else {
                callback.done(false);
            }
            return;
        }
        send(exchange, callback, delivery, now, event, work.trace());
    }

    /**
     * Runs the subscription's filter that did not answer while the webhook waited: the event goes out,
     * or the delivery is settled as {@link DeliveryStatus#FILTERED}, or it is held with the reason the
     * filter could not tell (a resume sends it).
     */
    private void filterThenSend(Exchange exchange, AsyncCallback callback, Delivery delivery, Subscription subscription,
                                ObjectNode event) {
        try {
            SubscriptionRegistry.Decision decision = registry.decide(subscription.id(), delivery.eventId(), event);
            if (decision.send()) {
                Delivery decided = delivery.filterDecided(delivery.status(), false);
                lanes.submit(delivery.subscriptionId(), () -> sendWhenItsTurn(exchange, callback, decided, event));
            } else if (decision.holdReason() != null) {
                finish(callback, delivery, delivery.filterDecided(DeliveryStatus.PENDING, true), null, decision.holdReason());
            } else {
                finish(callback, delivery, delivery.filterDecided(DeliveryStatus.FILTERED, false), null, null);
            }
        } catch (RuntimeException e) {
            drop(delivery, e);
            callback.done(false);
        }
    }

    /** @param trace the trace of the request that brought the event, which the attempt's span joins, or null */
    private void send(Exchange exchange, AsyncCallback callback, Delivery delivery, Subscription subscription, ObjectNode event,
                      TraceContext trace) {
        Instant started = clock.instant();
        Span span = null;
        try {
            SimpleHttpRequest request = requests.build(delivery.eventId(), event, subscription, started);
            span = tracing.startAndPropagate("tributary.delivery.attempt", trace, request::setHeader);
            if (span != null) {
                span.tag("tributary.event", delivery.eventId()).tag("tributary.subscription", subscription.id());
            }
            Span attempt = span;
            http.send(request).whenComplete((response, failure) -> {
                Tracing.end(attempt, response == null ? null : response.status(), failure);
                lanes.release(subscription.id());
                settle(exchange, callback, delivery, subscription, event, started, response, failure);
            });
        } catch (RuntimeException e) {
            Tracing.end(span, null, e);
            lanes.release(subscription.id());
            settle(exchange, callback, delivery, subscription, event, started, null, e);
        }
    }

    /** Decides what the attempt means, records it, and hands the exchange its next step. */
    private void settle(Exchange exchange, AsyncCallback callback, Delivery delivery, Subscription subscription, ObjectNode event,
                        Instant started, SubscriberClient.Response response, Throwable failure) {
        try {
            Instant now = clock.instant();
            long durationMs = Duration.between(started, now).toMillis();
            int number = delivery.attemptCount() + 1;
            NetworkPolicy.Refused refused = refusal(failure);
            if (refused != null) {
                // Never sent: no schedule would make the address acceptable. Straight to the dead letters.
                about(log.atWarn(), delivery, event).log("delivery {} refused: {}", delivery.id(), refused.getMessage());
                toDeadLetters(exchange, delivery, event,
                        new DeliveryAttempt(number, started, null, durationMs, null, refused.getMessage(), null), refused.getMessage());
                callback.done(false);
                return;
            }
            Integer status = response == null ? null : response.status();
            String excerpt = response == null ? null : new String(response.excerpt(), StandardCharsets.UTF_8);
            String error = failure == null ? null : describe(failure);
            metrics.attempt(subscription.id(), status, durationMs);

            if (status != null && status >= 200 && status < 300) {
                failures.succeeded(subscription.id());
                finish(callback, delivery, delivery.attempted(DeliveryStatus.SUCCEEDED, false, null),
                        new DeliveryAttempt(number, started, status, durationMs, excerpt, null, null));
                return;
            }
            if (status != null && status == 410) {
                // The subscriber says the endpoint is gone for good: stop, but keep the event for a resume.
                operational.pause(subscription.id(), "gone");
                about(log.atWarn(), delivery, event).log("subscription {} answered 410 Gone: paused", subscription.id());
                finish(callback, delivery, delivery.attempted(DeliveryStatus.PENDING, true, null),
                        new DeliveryAttempt(number, started, status, durationMs, excerpt, null, null));
                return;
            }
            int failed = failures.failed(subscription.id());
            boolean pause = failed >= properties.pauseAfterFailures();
            if (pause) {
                operational.pause(subscription.id(), "failing");
                about(log.atWarn(), delivery, event).log("subscription {} paused after {} consecutive failed attempts", subscription.id(), failed);
            }
            List<Duration> schedule = properties.retrySchedule();
            if (number >= schedule.size()) {
                toDeadLetters(exchange, delivery, event, new DeliveryAttempt(number, started, status, durationMs, excerpt, error, null),
                        error != null ? error : "HTTP " + status);
                callback.done(false);
                return;
            }
            if (pause) {
                // Held with its attempts so far; a resume sends it again, in order with the others held.
                finish(callback, delivery, delivery.attempted(DeliveryStatus.PENDING, true, null),
                        new DeliveryAttempt(number, started, status, durationMs, excerpt, error, null));
                return;
            }
            Duration delay = jittered(schedule.get(number));
            Duration retryAfter = retryAfter(response);
            if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
                delay = retryAfter;
            }
            Instant next = now.plus(delay);
            Delivery after = delivery.attempted(DeliveryStatus.RETRY_SCHEDULED, false, next);
            DeliveryAttempt attempt = new DeliveryAttempt(number, started, status, durationMs, excerpt, error, next);
            if (delay.compareTo(properties.shortRetryHorizon()) > 0) {
                finish(callback, delivery, after, attempt); // parked in the store: a recovery pass takes it when due
                return;
            }
            Duration wait = delay;
            record(after, attempt, member, next.plus(properties.lease())).whenComplete((kept, notSaved) -> {
                if (notSaved != null || !kept) {
                    drop(delivery, notSaved);
                } else {
                    inFlight.put(after, event);
                    retryAfter(exchange, wait, "attempt " + number + " failed");
                }
                callback.done(false);
            });
        } catch (RuntimeException e) {
            drop(delivery, e);
            callback.done(false);
        }
    }

    /**
     * Records a delivery's new state with no lease (settled, held, or parked until due) and ends the
     * exchange: the work is no longer this member's.
     */
    private void finish(AsyncCallback callback, Delivery before, Delivery after, DeliveryAttempt attempt) {
        finish(callback, before, after, attempt, null);
    }

    /** {@link #finish(AsyncCallback, Delivery, Delivery, DeliveryAttempt)}, held with this reason when not null. */
    private void finish(AsyncCallback callback, Delivery before, Delivery after, DeliveryAttempt attempt, String heldReason) {
        record(after, attempt, null, null, heldReason).whenComplete((kept, notSaved) -> {
            if (notSaved != null) {
                drop(before, notSaved);
            } else {
                inFlight.remove(before);
            }
            callback.done(false);
        });
    }

    /**
     * Records through the journal; completes on the HTTP completion threads (never on the journal's own),
     * with whether this member still held the claim.
     */
    private CompletableFuture<Boolean> record(Delivery after, DeliveryAttempt attempt, String leaseOwner, Instant leaseUntil) {
        return record(after, attempt, leaseOwner, leaseUntil, null);
    }

    private CompletableFuture<Boolean> record(Delivery after, DeliveryAttempt attempt, String leaseOwner, Instant leaseUntil,
                                              String heldReason) {
        return store.record(after, attempt, leaseOwner, leaseUntil, null, heldReason, clock.instant())
                .thenApplyAsync(outcome -> outcome.counts()[outcome.counts().length - 1] == 1, completions);
    }

    /**
     * The outcome could not be saved (the database is down or slow), or the delivery was taken over:
     * this member lets go of it. Its lease is no longer renewed, so the next recovery pass (here or on
     * another member) takes it up again from its last recorded state: at least once, never lost.
     */
    private void drop(Delivery delivery, Throwable why) {
        inFlight.remove(delivery);
        if (why != null) {
            about(log.atWarn(), delivery, null).log("delivery {}: its outcome was not recorded ({}); it goes out again from its last recorded state",
                    delivery.id(), why.getClass().getSimpleName());
        }
    }

    /** Leaves the attempt that spent the schedule for the dead-letter channel to record. */
    private void toDeadLetters(Exchange exchange, Delivery delivery, ObjectNode event, DeliveryAttempt attempt, String reason) {
        InFlight.Work before = inFlight.get(new DeliveryJob(delivery.id(), delivery.claim()));
        inFlight.put(new InFlight.Work(delivery, event, attempt, reason, before == null ? null : before.trace()));
        exchange.setException(new DeliveryExhausted("delivery " + delivery.id() + ": " + reason));
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
    private Duration retryAfter(SubscriberClient.Response response) {
        if (response == null || (response.status() != 429 && response.status() != 503)) {
            return null;
        }
        String value = response.retryAfter();
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

    /** The policy's refusal of the destination, where that is why the attempt failed. */
    private static NetworkPolicy.Refused refusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NetworkPolicy.Refused refused) {
                return refused;
            }
        }
        return null;
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /** The line with the delivery's event, its source (when the event is at hand) and subscription, for structured logs. */
    static LoggingEventBuilder about(LoggingEventBuilder line, Delivery delivery, ObjectNode event) {
        return LogKeys.about(line, delivery.eventId(), event == null ? null : event.path("source").asText(null), delivery.subscriptionId());
    }
}
