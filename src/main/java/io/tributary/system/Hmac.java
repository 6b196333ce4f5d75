package io.tributary.system;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMACs as the providers' signatures use them: the one place that computes them, for checking and for signing. */
public final class Hmac {

    private Hmac() {
    }

    /** @param algorithm a JCA name: {@code HmacSHA256}, {@code HmacSHA1}, {@code HmacSHA512} */
    public static byte[] of(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of {@code a} then {@code b}: what a signature over {@code id.timestamp.body} covers. */
    public static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
