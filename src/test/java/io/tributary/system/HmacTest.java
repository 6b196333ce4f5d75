package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 4231's HMAC-SHA-256 vectors, one after another on the same thread, which reuses one engine per algorithm. */
class HmacTest {

    private static final byte[] KEY_1 = filled(20, 0x0b);
    private static final byte[] DATA_1 = "Hi There".getBytes(StandardCharsets.US_ASCII);
    private static final String MAC_1 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
    private static final byte[] KEY_2 = "Jefe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_2 = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);
    private static final String MAC_2 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

    @Test
    void eachCallIsKeyedWithItsOwnKeyThoughTheThreadReusesItsEngine() {
        assertThat(hex(Hmac.of("HmacSHA256", KEY_1, DATA_1))).isEqualTo(MAC_1);
        assertThat(hex(Hmac.of("HmacSHA256", KEY_2, DATA_2))).isEqualTo(MAC_2);
        assertThat(hex(Hmac.of("HmacSHA1", KEY_2, DATA_2))).isEqualTo("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"); // RFC 2202
        assertThat(hex(Hmac.of("HmacSHA256", KEY_1, DATA_1))).isEqualTo(MAC_1);
    }

    @Test
    void aMacLeftUnfinishedDoesNotLeakIntoTheNextOne() {
        Hmac.keyed("HmacSHA256", KEY_2).update(DATA_2); // abandoned half-way, as an exception would leave it
        assertThat(hex(Hmac.of("HmacSHA256", KEY_1, DATA_1))).isEqualTo(MAC_1);
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
