package io.tributary.ingest;

import com.hazelcast.map.IMap;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel idempotent repository over one Hazelcast map, shared by every node of a cluster.
 *
 * <p>Camel's {@code HazelcastIdempotentRepository} takes a cluster lock around every add and
 * confirm; a single {@code putIfAbsent} with a time-to-live does the same job in one map operation,
 * and the entry expires by itself when the dedup window is over.
 *
 * <p>The webhook route's idempotent consumer is not eager: it asks {@link #contains} before the
 * event is processed, and the window takes the key only once the exchange completed, through
 * {@link #add(Exchange, String)}, whose answer Camel does not use.
 */
final class HazelcastDedupRepository extends ServiceSupport implements IdempotentRepository {

    private final IMap<String, Boolean> seen;
    private final long windowMs;

    HazelcastDedupRepository(IMap<String, Boolean> seen, Duration window) {
        this.seen = seen;
        this.windowMs = window.toMillis();
    }

    @Override
    public boolean add(String key) {
        return seen.putIfAbsent(key, Boolean.TRUE, windowMs, TimeUnit.MILLISECONDS) == null;
    }

    /**
     * Puts a completed exchange's key into the window without making its request wait for the map:
     * the answer is decided already, and a retry that comes before the put lands (or after a put that
     * failed) is still answered as a duplicate by the store. Always {@code true}: whether the key was
     * there is not asked, and Camel ignores the answer at completion.
     */
    @Override
    public boolean add(Exchange exchange, String key) {
        seen.setAsync(key, Boolean.TRUE, windowMs, TimeUnit.MILLISECONDS);
        return true;
    }

    @Override
    public boolean contains(String key) {
        return seen.containsKey(key);
    }

    @Override
    public boolean remove(String key) {
        return seen.remove(key) != null;
    }

    @Override
    public boolean confirm(String key) {
        return true; // added eagerly; nothing to confirm
    }

    @Override
    public void clear() {
        seen.clear();
    }
}
