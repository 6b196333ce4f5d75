package io.tributary.ingest;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The dedup window: the keys of the provider deliveries this member completed recently, so that a
 * provider's retry is answered {@code duplicate} before it is parsed, mapped or written. Camel's
 * idempotent consumer in the webhook route asks it.
 *
 * <p>It is a shortcut, not the authority: the store decides what is new (its insert-if-absent on the
 * event's key), so a retry whose key this window never held (it went to another member, came after a
 * restart, or its key was dropped at the bound) is still answered {@code duplicate}, by the store. The
 * window is therefore this member's own memory (Caffeine, bounded, each key for the window's length)
 * rather than a cluster-wide Hazelcast map: the map cost every new event two operations on Hazelcast's
 * partition threads, and past its bound a sampling eviction per put (about a tenth of the CPU of an
 * event, docs/benchmarks.md), to save work only on the rare retry.
 *
 * <p>The webhook route's idempotent consumer is not eager: it asks {@link #contains} before the
 * event is processed, and the window takes the key only once the exchange completed, through
 * {@link #add(Exchange, String)}, whose answer Camel does not use.
 */
final class DedupWindow extends ServiceSupport implements IdempotentRepository {

    private final Cache<String, Boolean> seen;

    /**
     * @param window     how long a key is kept after it went in
     * @param maxEntries most keys kept; past it the least likely to be asked again are dropped first
     */
    DedupWindow(Duration window, long maxEntries) {
        this(window, maxEntries, Ticker.systemTicker());
    }

    DedupWindow(Duration window, long maxEntries, Ticker ticker) {
        // Evictions run on the thread that adds, a little at a time, rather than on the common pool.
        this.seen = Caffeine.newBuilder().expireAfterWrite(window).maximumSize(maxEntries).ticker(ticker)
                .executor(Runnable::run).build();
    }

    @Override
    public boolean add(String key) {
        return seen.asMap().putIfAbsent(key, Boolean.TRUE) == null;
    }

    /**
     * Puts a completed exchange's key into the window. Always {@code true}: whether the key was there
     * is not asked, and Camel ignores the answer at completion.
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        seen.put(key, Boolean.TRUE);
        return true;
    }

    @Override
    public boolean contains(String key) {
        return seen.getIfPresent(key) != null;
    }

    @Override
    public boolean remove(String key) {
        return seen.asMap().remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true; // nothing to confirm: the key goes in once its exchange completed
    }

    @Override
    public void clear() {
        seen.invalidateAll();
    }

    /** How many keys the window holds now (after pending evictions ran). */
    long size() {
        seen.cleanUp();
        return seen.estimatedSize();
    }
}
