package io.tributary.delivery;

import io.tributary.subscription.SigningSecret;
import io.tributary.system.Hmac;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">}, one
 * entry per active secret, separated by spaces, so a subscriber that knows either the old or the new
 * secret accepts the request during a rotation.
 */
final class WebhookSigner {

    private WebhookSigner() {
    }

    static String sign(String messageId, long timestampSeconds, byte[] body, List<SigningSecret> secrets) {
        byte[] prefix = (messageId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
        StringJoiner signatures = new StringJoiner(" ");
        for (SigningSecret secret : secrets) {
            Mac mac = Hmac.keyed("HmacSHA256", secret.key());
            mac.update(prefix);
            mac.update(body);
            signatures.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal()));
        }
        return signatures.toString();
    }
}
