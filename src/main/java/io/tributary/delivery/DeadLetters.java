package io.tributary.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.subscription.Subscription;
import io.tributary.subscription.SubscriptionHeaders;
import io.tributary.subscription.SubscriptionRegistry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of Camel's dead-letter channel: the attempt that spent a delivery's schedule, the delivery
 * marked exhausted and its dead letter (with the subscription as it was, secrets and credentials
 * left out: {@link #redacted}) are
 * written in one transaction. An exchange that reaches the channel without a spent schedule (a retry
 * refused while Camel stops, an error in the worker) lets go of its delivery; the next recovery pass
 * takes it up again from its last recorded state.
 */
public final class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    /** The redelivery policy's {@code retryWhile}: only a {@link RetryLater} is tried again. */
    static final Predicate RETRY_LATER = exchange -> exchange.getException(RetryLater.class) != null
            || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) instanceof RetryLater; // where the handler keeps it

    private final DeliveryStore store;
    private final InFlight inFlight;
    private final SubscriptionRegistry registry;
    private final DeliveryMetrics metrics;
    private final ObjectMapper json;
    private final Clock clock;
    private final OperationalEvents operational;

    DeadLetters(DeliveryStore store, InFlight inFlight, SubscriptionRegistry registry, DeliveryMetrics metrics, ObjectMapper json,
                Clock clock, OperationalEvents operational) {
        this.operational = operational;
        this.store = store;
        this.inFlight = inFlight;
        this.registry = registry;
        this.metrics = metrics;
        this.json = json;
        this.clock = clock;
    }

    public void store(DeliveryJob job) {
        InFlight.Work work = inFlight.get(job);
        if (work == null) {
            return;
        }
        Delivery delivery = work.delivery();
        try {
            if (work.lastTry() == null) {
                return; // not spent: taken up again by a recovery pass
            }
            Instant now = clock.instant();
            ObjectNode subscription = registry.find(delivery.subscriptionId()).map(this::withoutSecrets).orElse(null);
            DeadLetter deadLetter = new DeadLetter(delivery.id(), delivery.subscriptionId(), delivery.eventId(), now,
                    work.deadAlone(), null, null, subscription);
            store.recordAndWait(delivery.attempted(DeliveryStatus.EXHAUSTED, false, null), work.lastTry(), deadLetter, now);
            metrics.exhausted(delivery.subscriptionId());
            DeliveryAttempt last = work.lastTry();
            operational.exhausted(delivery, work.event(), last.number(), work.deadAlone() != null ? work.deadAlone()
                    : last.error() != null ? last.error() : last.status() == null ? null : "HTTP " + last.status());
            DeliveryWorker.about(log.atWarn(), delivery, work.event())
                    .log("delivery {} exhausted after {} attempts: dead-lettered", delivery.id(), delivery.attemptCount() + 1);
        } finally {
            inFlight.remove(delivery);
        }
    }

    private ObjectNode withoutSecrets(Subscription subscription) {
        return redacted(json.valueToTree(subscription));
    }

    /**
     * A subscription as a dead letter keeps and shows it: no signing secrets, the values of
     * credential-looking headers redacted as the subscription API redacts them, and no password in the
     * URL. Applied when a dead letter is written and again when one is read, for those written before.
     */
    public static ObjectNode redacted(ObjectNode subscription) {
        if (subscription == null) {
            return null;
        }
        ObjectNode view = subscription.deepCopy();
        view.remove("secrets");
        if (view.get("headers") instanceof ObjectNode headers) {
            for (var it = headers.fields(); it.hasNext(); ) {
                var header = it.next();
                if (SubscriptionHeaders.secretLooking(header.getKey())) {
                    header.setValue(TextNode.valueOf(SubscriptionHeaders.REDACTED));
                }
            }
        }
        if (view.get("url") != null && view.get("url").isTextual()) {
            view.put("url", withoutPassword(view.get("url").asText()));
        }
        return view;
    }

    /** {@code https://user:pw@host/x} as {@code https://user:********@host/x}; anything else as it is. */
    private static String withoutPassword(String url) {
        try {
            URI uri = new URI(url);
            String userInfo = uri.getRawUserInfo();
            if (userInfo == null || !userInfo.contains(":")) {
                return url;
            }
            String user = userInfo.substring(0, userInfo.indexOf(':'));
            return url.replaceFirst(Pattern.quote(userInfo + "@"), Matcher.quoteReplacement(user + ":" + SubscriptionHeaders.REDACTED + "@"));
        } catch (URISyntaxException e) {
            return url;
        }
    }
}
