package io.tributary.subscription;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;

/**
 * A Standard Webhooks signing secret, {@code whsec_<base64 key>}. A secret; never logged.
 *
 * @param secret    the {@code whsec_} string
 * @param expiresAt when a rotated-out secret stops signing; {@code null} for the current one
 */
public record SigningSecret(String secret, Instant expiresAt) {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A new random secret of 32 bytes. */
    public static String generate() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key: the base64-decoded part after {@code whsec_}. */
    public byte[] key() {
        return keyOf(secret);
    }

    /** @throws IllegalArgumentException when the secret is not {@code whsec_} + base64 of 24 to 64 bytes */
    public static byte[] keyOf(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("must start with whsec_");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be whsec_ followed by base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("the key must be 24 to 64 bytes");
        }
        return key;
    }

    boolean activeAt(Instant now) {
        return expiresAt == null || now.isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "SigningSecret[whsec_***, expiresAt=" + expiresAt + "]";
    }
}
