package io.tributary.store;

/**
 * A payload that could not become a canonical event: kept, visible and replayable.
 *
 * @param id            the id it is kept under (the canonical id it will get, where that is known)
 * @param reason        {@code unmapped}, {@code mapping_error} or {@code invalid}
 * @param providerEvent the provider's event name where known
 * @param detail        why, for operators
 * @param tenant        the source's configured tenant when it arrived, for a faithful replay
 * @param received      the provider request; never logged
 */
public record QuarantineEntry(String id, String reason, String providerEvent, String detail, String tenant,
                              ReceivedPayload received) {
}
