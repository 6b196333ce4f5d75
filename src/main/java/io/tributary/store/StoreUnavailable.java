package io.tributary.store;

/**
 * The database did not commit a write: down, unreachable, or slower than the journal's timeout. The
 * write may still land later (a commit that outlived its caller); what it stored is then found by
 * the store's own recovery, never lost. Webhooks answer {@code 503} with {@code Retry-After}, so the
 * provider tries again.
 */
public final class StoreUnavailable extends RuntimeException {

    StoreUnavailable(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
