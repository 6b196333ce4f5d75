package io.tributary.delivery;

/** The retry schedule is spent: Camel's dead-letter channel takes the delivery to the dead-letter store. */
final class DeliveryExhausted extends Exception {
    DeliveryExhausted(String message) {
        super(message, null, false, false);
    }
}
