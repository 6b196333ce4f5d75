package io.tributary.system;

import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMACs as the providers' signatures use them: the one place that computes them, for checking and for signing. */
public final class Hmac {

    /**
     * Each thread's {@link Mac} per algorithm, keyed afresh for every use: {@code Mac.getInstance} looks
     * the provider up and builds the engine by reflection on every call, a tenth of what signing a
     * delivery cost (JFR).
     */
    private static final ThreadLocal<Map<String, Mac>> MACS = ThreadLocal.withInitial(HashMap::new);

    private Hmac() {
    }

    /** @param algorithm a JCA name: {@code HmacSHA256}, {@code HmacSHA1}, {@code HmacSHA512} */
    public static byte[] of(String algorithm, byte[] key, byte[] data) {
        return keyed(algorithm, key).doFinal(data);
    }

    /**
     * This thread's {@link Mac} for the algorithm, initialised with the key. Finish it
     * ({@code doFinal}) on this thread before the next call here: the next call re-keys the same one.
     */
    public static Mac keyed(String algorithm, byte[] key) {
        try {
            Map<String, Mac> macs = MACS.get();
            Mac mac = macs.get(algorithm);
            if (mac == null) {
                mac = Mac.getInstance(algorithm);
                macs.put(algorithm, mac);
            }
            mac.init(new SecretKeySpec(key, algorithm));
            return mac;
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
