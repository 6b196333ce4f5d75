package io.tributary.delivery;

/**
 * The attempt failed (or is not due yet) and the delivery goes out again after a delay: Camel's
 * redelivery waits, holding no thread, and calls the attempt again.
 */
final class RetryLater extends Exception {
    RetryLater(String message) {
        super(message, null, false, false);
    }
}
