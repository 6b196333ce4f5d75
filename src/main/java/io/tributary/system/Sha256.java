package io.tributary.system;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex: the one place that computes it, for event keys, mapping versions and operational events' ids. */
public final class Sha256 {

    /** One digest per thread: event keys hash on the webhook path, and a new digest per call costs a provider lookup. */
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private Sha256() {
    }

    /** The first {@code bytes} bytes (at most 32) of the SHA-256 of {@code text} in UTF-8, as lower-case hex. */
    public static String hex(String text, int bytes) {
        return HexFormat.of().formatHex(DIGEST.get().digest(text.getBytes(StandardCharsets.UTF_8)), 0, bytes);
    }
}
