package io.tributary.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An accepted canonical event with the request it came from.
 *
 * @param event    the canonical event
 * @param received the provider request; never logged
 */
public record StoredEvent(String id, ObjectNode event, ReceivedPayload received) {
}
