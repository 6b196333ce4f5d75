package io.tributary.ingest;

import io.tributary.system.Sha256;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The key an event is stored, deduplicated and addressed under: a tag of its provider and source (12
 * hex characters of SHA-256 over them), then its canonical id as it is when that is made of URL-safe
 * characters ({@code A-Z a-z 0-9 . _ ~ -}, up to 200), else SHA-256 of the id in hex:
 * {@code 3f2a9c01b7de.evt_123} or {@code 3f2a9c01b7de~9b74...}. The canonical id stays what the
 * provider said (CloudEvents: an event is its {@code source} and {@code id}); the key makes it unique
 * across sources, so a request to one source can never answer another source's event
 * {@code duplicate}, and two provider accounts that number their events alike both get theirs stored
 * and delivered. Whatever an id holds, its key is at most 213 characters that a URL, a header and
 * every database take as they are.
 *
 * <p>Why not a hash of everything: the key is the primary key of the event and delivery tables, and
 * keys of one source that follow the provider's own order land next to each other in the index. A
 * uniformly random key touches a different index page for every event; on the embedded H2 that cost
 * a fifth of the throughput (page reads and rewrites on every commit).
 */
public final class EventKeys {

    private static final Pattern READABLE = Pattern.compile("[A-Za-z0-9._~-]{1,200}");

    private EventKeys() {
    }

    /** The key of the event {@code id} received through {@code sourceId} from {@code provider}. */
    public static String of(String provider, String sourceId, String id) {
        String tag = tag(provider, sourceId);
        if (READABLE.matcher(id).matches()) {
            return tag + "." + id;
        }
        return tag + "~" + Sha256.hex(id, 32);
    }

    /** The tags of the sources seen, computed once each: every event of a source has the same (about 1 % of an event's CPU). */
    private static final Map<String, String> TAGS = new ConcurrentHashMap<>();
    /** More sources than any deployment configures; past it a tag is computed each time rather than kept. */
    private static final int MAX_TAGS = 4096;

    private static String tag(String provider, String sourceId) {
        String name = provider + '\0' + sourceId;
        String tag = TAGS.get(name);
        if (tag == null) {
            tag = Sha256.hex(name, 6);
            if (TAGS.size() < MAX_TAGS) {
                TAGS.put(name, tag);
            }
        }
        return tag;
    }
}
