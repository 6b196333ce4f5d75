package io.tributary.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A delivery whose schedule is spent, with everything needed to understand and replay it.
 *
 * @param reason       why the last attempt failed
 * @param delivery     the delivery with every attempt
 * @param event        the canonical event
 * @param subscription the subscription as it was (secrets left out)
 */
public record DeadLetter(String id, String subscriptionId, String eventId, Instant deadAt, String reason,
                         DeliveryRecord delivery, ObjectNode event, ObjectNode subscription) {
}
