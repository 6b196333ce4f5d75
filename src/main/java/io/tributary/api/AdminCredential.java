package io.tributary.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The admin token ({@link AdminToken}), compared in constant time; a secret, never logged. */
final class AdminCredential {

    private final byte[] token;

    AdminCredential(byte[] token) {
        this.token = token.clone();
    }

    boolean matches(String given) {
        return MessageDigest.isEqual(given == null ? new byte[0] : given.getBytes(StandardCharsets.UTF_8), token);
    }

    @Override
    public String toString() {
        return "AdminCredential[****]";
    }
}
