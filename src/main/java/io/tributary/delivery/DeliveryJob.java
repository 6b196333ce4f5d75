package io.tributary.delivery;

/**
 * The body of an exchange on the delivery route: which delivery, under which claim. The rest (the
 * delivery's state, its event) is in this member's {@link InFlight} registry.
 */
record DeliveryJob(String deliveryId, int claim) {
}
