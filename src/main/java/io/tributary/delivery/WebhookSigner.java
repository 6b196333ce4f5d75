package io.tributary.delivery;

import io.tributary.subscription.SigningSecret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.key(), "HmacSHA256"));
                mac.update(prefix);
                mac.update(body);
                signatures.add("v1," + Base64.getEncoder().encodeToString(mac.doFinal()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return signatures.toString();
    }
}
