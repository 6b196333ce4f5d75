package io.tributary.tools;

import io.tributary.system.Hmac;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code send}: posts a sample body to a running Tributary exactly as its provider would, signed or
 * authenticated the way the source's {@code auth} expects, so a source can be tried end to end. The
 * options are the source's own ({@code tributary.sources.<id>.auth.*}): type, secret, header,
 * algorithm, encoding, prefix, query parameter, username.
 */
final class SendSample {

    private SendSample() {
    }

    /** The headers and query a request needs for the source's auth, for this body, at this moment. */
    record Signed(Map<String, String> headers, String query) {
    }

    static Signed sign(Map<String, String> auth, byte[] body, Instant now) {
        String type = auth.getOrDefault("auth", "none").toLowerCase(Locale.ROOT);
        String secret = auth.get("secret");
        if (!type.equals("none") && (secret == null || secret.isEmpty())) {
            throw new IllegalArgumentException("--auth " + type + " needs --secret");
        }
        return switch (type) {
            case "none" -> new Signed(Map.of(), null);
            case "dailydraft-signature" -> new Signed(Map.of("X-DailyDraft-Signature",
                    "sha256=" + HexFormat.of().formatHex(Hmac.of("HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), body))), null);
            case "hmac" -> {
                String algorithm = switch (auth.getOrDefault("algorithm", "SHA-256").toUpperCase(Locale.ROOT).replace("-", "")) {
                    case "SHA256" -> "HmacSHA256";
                    case "SHA1" -> "HmacSHA1";
                    case "SHA512" -> "HmacSHA512";
                    default -> throw new IllegalArgumentException("--algorithm is SHA-256, SHA-1 or SHA-512");
                };
                byte[] mac = Hmac.of(algorithm, secret.getBytes(StandardCharsets.UTF_8), body);
                String encoded = "base64".equalsIgnoreCase(auth.get("encoding")) ? Base64.getEncoder().encodeToString(mac)
                        : HexFormat.of().formatHex(mac);
                yield new Signed(Map.of(auth.getOrDefault("header", "X-Signature"), auth.getOrDefault("prefix", "") + encoded), null);
            }
            case "standard-webhooks" -> {
                if (!secret.startsWith("whsec_")) {
                    throw new IllegalArgumentException("a standard-webhooks --secret starts with whsec_");
                }
                String id = auth.getOrDefault("id", "msg_" + UUID.randomUUID());
                long seconds = now.getEpochSecond();
                byte[] signed = Hmac.concat((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8), body);
                byte[] mac = Hmac.of("HmacSHA256", Base64.getDecoder().decode(secret.substring("whsec_".length())), signed);
                yield new Signed(Map.of("webhook-id", id, "webhook-timestamp", Long.toString(seconds),
                        "webhook-signature", "v1," + Base64.getEncoder().encodeToString(mac)), null);
            }
            case "token" -> auth.containsKey("header") ? new Signed(Map.of(auth.get("header"), secret), null)
                    : new Signed(Map.of(), auth.getOrDefault("query-param", "token") + "=" + URLEncoder.encode(secret, StandardCharsets.UTF_8));
            case "basic" -> {
                String user = auth.get("username");
                if (user == null) {
                    throw new IllegalArgumentException("--auth basic needs --username");
                }
                yield new Signed(Map.of("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8))), null);
            }
            default -> throw new IllegalArgumentException("--auth is none, dailydraft-signature, hmac, standard-webhooks, token or basic");
        };
    }

    /** @return 0 when Tributary answered 2xx, else 1 */
    static int run(byte[] body, URI to, Map<String, String> auth, PrintStream out) throws IOException, InterruptedException {
        Signed signed = sign(auth, body, Instant.now());
        URI target = signed.query() == null ? to
                : URI.create(to + (to.getRawQuery() == null ? "?" : "&") + signed.query());
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(request::header);
        HttpResponse<String> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
        out.println("HTTP " + answer.statusCode());
        out.println(answer.body());
        return answer.statusCode() / 100 == 2 ? 0 : 1;
    }
}
