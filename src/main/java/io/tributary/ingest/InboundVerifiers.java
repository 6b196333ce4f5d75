package io.tributary.ingest;

import io.tributary.ingest.SourceProperties.Auth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The inbound authentication schemes, built from a source's {@code auth} configuration. */
final class InboundVerifiers {

    private InboundVerifiers() {
    }

    /** @throws IllegalStateException when the configuration is incomplete: better at start than per request */
    static InboundVerifier of(String sourceId, Auth auth) {
        if (auth == null || auth.type() == null || auth.type().isBlank()) {
            throw new IllegalStateException("source '" + sourceId + "' has no auth.type: set one, or 'none' to accept "
                    + "unauthenticated requests");
        }
        List<byte[]> secrets = auth.secrets().stream().map(InboundVerifiers::resolve).toList();
        String type = auth.type().toLowerCase(Locale.ROOT);
        if (!type.equals("none") && secrets.isEmpty()) {
            throw new IllegalStateException("source '" + sourceId + "' auth " + type + " needs auth.secrets");
        }
        return switch (type) {
            case "none" -> (request, now) -> true;
            case "dailydraft-signature" -> hmac("X-DailyDraft-Signature", "HmacSHA256", false, "sha256=", secrets);
            case "hmac" -> hmac(auth.header() == null ? "X-Signature" : auth.header(), macAlgorithm(sourceId, auth.algorithm()),
                    "base64".equalsIgnoreCase(auth.encoding()), auth.prefix() == null ? "" : auth.prefix(), secrets);
            case "standard-webhooks" -> standardWebhooks(sourceId, secrets,
                    auth.tolerance() == null ? Duration.ofMinutes(5) : auth.tolerance());
            case "token" -> token(auth.header(), auth.queryParam() == null ? "token" : auth.queryParam(), secrets);
            case "basic" -> basic(sourceId, auth.username(), secrets);
            default -> throw new IllegalStateException("source '" + sourceId + "': unknown auth.type '" + auth.type() + "'");
        };
    }

    /** A secret given inline, or {@code file:/path} to read it from a file (e.g. a mounted secret). */
    private static byte[] resolve(String secret) {
        String value = secret;
        if (secret.startsWith("file:")) {
            try {
                value = Files.readString(Path.of(secret.substring("file:".length()))).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a secret file", e);
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String macAlgorithm(String sourceId, String algorithm) {
        String a = (algorithm == null ? "SHA-256" : algorithm).toUpperCase(Locale.ROOT).replace("-", "");
        return switch (a) {
            case "SHA256", "HMACSHA256" -> "HmacSHA256";
            case "SHA1", "HMACSHA1" -> "HmacSHA1";
            case "SHA512", "HMACSHA512" -> "HmacSHA512";
            default -> throw new IllegalStateException("source '" + sourceId + "': auth.algorithm must be SHA-256, SHA-1 or SHA-512");
        };
    }

    /** {@code <header>: <prefix><hex or base64 HMAC of the raw body>}, any of the secrets. */
    private static InboundVerifier hmac(String header, String algorithm, boolean base64, String prefix, List<byte[]> secrets) {
        return (request, now) -> {
            String given = request.header(header);
            if (given == null || !given.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return false;
            }
            byte[] signature;
            try {
                String encoded = given.substring(prefix.length()).trim();
                signature = base64 ? Base64.getDecoder().decode(encoded) : HexFormat.of().parseHex(encoded.toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException notEncoded) {
                return false;
            }
            boolean ok = false;
            for (byte[] secret : secrets) {
                ok |= MessageDigest.isEqual(mac(algorithm, secret, request.body()), signature);
            }
            return ok;
        };
    }

    /**
     * Standard Webhooks: {@code webhook-signature: v1,<base64 HMAC-SHA256 of id.timestamp.body>} (several,
     * space separated), with {@code webhook-timestamp} within the tolerance of now against replays.
     */
    private static InboundVerifier standardWebhooks(String sourceId, List<byte[]> secrets, Duration tolerance) {
        List<byte[]> keys = secrets.stream().map(s -> {
            String text = new String(s, StandardCharsets.UTF_8);
            if (!text.startsWith("whsec_")) {
                throw new IllegalStateException("source '" + sourceId + "': standard-webhooks secrets start with whsec_");
            }
            return Base64.getDecoder().decode(text.substring("whsec_".length()));
        }).toList();
        return (request, now) -> {
            String id = request.header("webhook-id");
            String timestamp = request.header("webhook-timestamp");
            String signatures = request.header("webhook-signature");
            if (id == null || timestamp == null || signatures == null) {
                return false;
            }
            long seconds;
            try {
                seconds = Long.parseLong(timestamp.trim());
            } catch (NumberFormatException e) {
                return false;
            }
            if (Math.abs(now.getEpochSecond() - seconds) > tolerance.toSeconds()) {
                return false;
            }
            byte[] signed = concat((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8), request.body());
            boolean ok = false;
            for (String entry : signatures.trim().split("\\s+")) {
                if (!entry.startsWith("v1,")) {
                    continue;
                }
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(entry.substring(3));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                for (byte[] key : keys) {
                    ok |= MessageDigest.isEqual(mac("HmacSHA256", key, signed), given);
                }
            }
            return ok;
        };
    }

    /** A shared token in a header (when one is named) or else in the query parameter. */
    private static InboundVerifier token(String header, String queryParam, List<byte[]> tokens) {
        return (request, now) -> {
            String given = header != null ? request.header(header) : request.query(queryParam);
            if (given == null) {
                return false;
            }
            return anyEqual(given.getBytes(StandardCharsets.UTF_8), tokens);
        };
    }

    private static InboundVerifier basic(String sourceId, String username, List<byte[]> passwords) {
        if (username == null || username.isBlank()) {
            throw new IllegalStateException("source '" + sourceId + "': auth basic needs auth.username");
        }
        List<byte[]> expected = passwords.stream()
                .map(p -> (username + ":" + new String(p, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)).toList();
        return (request, now) -> {
            String header = request.header("Authorization");
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return false;
            }
            try {
                return anyEqual(Base64.getDecoder().decode(header.substring(6).trim()), expected);
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    /** Compares against every candidate, always all of them, in constant time each. */
    private static boolean anyEqual(byte[] given, List<byte[]> candidates) {
        boolean ok = false;
        for (byte[] candidate : candidates) {
            ok |= MessageDigest.isEqual(given, candidate);
        }
        return ok;
    }

    private static byte[] mac(String algorithm, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
