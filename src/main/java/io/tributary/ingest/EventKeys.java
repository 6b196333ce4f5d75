package io.tributary.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The key an event is stored, deduplicated and addressed under: SHA-256 over its provider, its source
 * and its canonical id, in hex. The canonical id stays what the provider said (CloudEvents: an event is
 * its {@code source} and {@code id}); the key makes it unique across sources, so a request to one
 * source can never answer another source's event {@code duplicate}, two provider accounts that number
 * their events alike both get theirs stored and delivered, and whatever an id holds ({@code /}, NUL,
 * any length), its key is 64 characters a URL, a header and every database take as they are.
 */
public final class EventKeys {

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private EventKeys() {
    }

    /** The key of the event {@code id} received through {@code sourceId} from {@code provider}. */
    public static String of(String provider, String sourceId, String id) {
        MessageDigest sha = SHA256.get();
        sha.update(provider.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(sourceId.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(id.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }
}
