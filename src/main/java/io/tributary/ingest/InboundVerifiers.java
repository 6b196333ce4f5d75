package io.tributary.ingest;

import io.tributary.ingest.SourceProperties.Auth;
import io.tributary.system.Hmac;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/** The inbound authentication schemes, built from a source's {@code auth} configuration. */
final class InboundVerifiers {

    private static final java.util.Set<String> TYPES = java.util.Set.of("none", "dailydraft-signature", "hmac",
            "standard-webhooks", "token", "basic");

    private InboundVerifiers() {
    }

    /** @throws IllegalStateException when the configuration is incomplete: better at start than per request */
    static InboundVerifier of(String sourceId, Auth auth) {
        if (auth == null || auth.type() == null || auth.type().isBlank()) {
            throw new IllegalStateException("source '" + sourceId + "' has no auth.type: set one, or 'none' to accept "
                    + "unauthenticated requests");
        }
        String type = auth.type().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            throw new IllegalStateException("source '" + sourceId + "': unknown auth.type '" + auth.type() + "'");
        }
        List<byte[]> secrets = type.equals("none") ? List.of() : secrets(sourceId, type, auth.secrets());
        return switch (type) {
            case "none" -> headOnly((request, now) -> true);
            case "dailydraft-signature" -> hmac("X-DailyDraft-Signature", "HmacSHA256", false, "sha256=",
                    signingKeys(sourceId, type, secrets));
            case "hmac" -> hmac(auth.header() == null ? "X-Signature" : auth.header(), macAlgorithm(sourceId, auth.algorithm()),
                    "base64".equalsIgnoreCase(auth.encoding()), auth.prefix() == null ? "" : auth.prefix(),
                    signingKeys(sourceId, type, secrets));
            case "standard-webhooks" -> standardWebhooks(sourceId, secrets,
                    auth.tolerance() == null ? Duration.ofMinutes(5) : auth.tolerance());
            case "token" -> headOnly(token(auth.header(), auth.queryParam() == null ? "token" : auth.queryParam(), secrets));
            case "basic" -> headOnly(basic(sourceId, auth.username(), secrets));
            default -> throw new IllegalStateException("source '" + sourceId + "': unknown auth.type '" + auth.type() + "'");
        };
    }

    /**
     * The source's secrets, each resolved; at least one, and none empty or blank. An empty secret would
     * match an empty credential ({@code ?token=}, {@code Basic base64("user:")}), and an empty HMAC key
     * fails every request: {@code ${TOKEN}} with TOKEN set but empty, or an empty secret file, is a
     * mistake to stop at, not to run with. The message names the source and which entry, never a value.
     */
    private static List<byte[]> secrets(String sourceId, String type, List<String> configured) {
        if (configured.isEmpty()) {
            throw new IllegalStateException("source '" + sourceId + "' auth " + type + " needs auth.secrets");
        }
        List<byte[]> secrets = new java.util.ArrayList<>(configured.size());
        for (int i = 0; i < configured.size(); i++) {
            String value = resolve(sourceId, i, configured.get(i));
            if (value.isBlank()) {
                throw new IllegalStateException("source '" + sourceId + "' auth " + type + ": auth.secrets[" + i
                        + "] is empty or blank (an unset environment variable, or an empty secret file?)");
            }
            secrets.add(value.getBytes(StandardCharsets.UTF_8));
        }
        return List.copyOf(secrets);
    }

    /** The shortest HMAC key a source may have: a shorter one can be found from one signed request, offline. */
    static final int MIN_KEY_BYTES = 16;

    /** The secrets, as HMAC keys: each at least {@value #MIN_KEY_BYTES} bytes. */
    private static List<byte[]> signingKeys(String sourceId, String type, List<byte[]> keys) {
        keys.forEach(key -> checkKeyLength(sourceId, type, key));
        return keys;
    }

    private static void checkKeyLength(String sourceId, String type, byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException("source '" + sourceId + "' auth " + type + ": a signing key has " + key.length
                    + " bytes, under the " + MIN_KEY_BYTES + " an HMAC key needs against guessing");
        }
    }

    /** A secret given inline, or {@code file:/path} to read it from a file (e.g. a mounted secret). */
    private static String resolve(String sourceId, int index, String secret) {
        if (secret == null) {
            return "";
        }
        if (secret.startsWith("file:")) {
            try {
                return Files.readString(Path.of(secret.substring("file:".length()))).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("source '" + sourceId + "': cannot read the file of auth.secrets[" + index + "]", e);
            }
        }
        return secret;
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

    /** A verifier whose credential is all in the request's head: checked whole before the body is read. */
    private static InboundVerifier headOnly(InboundVerifier verifier) {
        return new InboundVerifier() {
            @Override
            public boolean verify(Request request, Instant now) {
                return verifier.verify(request, now);
            }

            @Override
            public boolean needsBody() {
                return false;
            }

            @Override
            public boolean beforeBody(Request head, Instant now) {
                return verifier.verify(head, now);
            }
        };
    }

    /** A verifier over the body, with what its head must have before the body is worth reading. */
    private static InboundVerifier overBody(InboundVerifier verifier, InboundVerifier head) {
        return new InboundVerifier() {
            @Override
            public boolean verify(Request request, Instant now) {
                return verifier.verify(request, now);
            }

            @Override
            public boolean beforeBody(Request request, Instant now) {
                return head.verify(request, now);
            }
        };
    }

    /** {@code <header>: <prefix><hex or base64 HMAC of the raw body>}, any of the secrets. */
    private static InboundVerifier hmac(String header, String algorithm, boolean base64, String prefix, List<byte[]> secrets) {
        return overBody(hmacOverBody(header, algorithm, base64, prefix, secrets), (request, now) -> {
            String given = request.header(header);
            return given != null && given.regionMatches(true, 0, prefix, 0, prefix.length());
        });
    }

    private static InboundVerifier hmacOverBody(String header, String algorithm, boolean base64, String prefix, List<byte[]> secrets) {
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
                ok |= MessageDigest.isEqual(Hmac.of(algorithm, secret, request.body()), signature);
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
            byte[] key;
            try {
                key = Base64.getDecoder().decode(text.substring("whsec_".length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("source '" + sourceId + "': a standard-webhooks secret is not whsec_ and base64");
            }
            checkKeyLength(sourceId, "standard-webhooks", key);
            return key;
        }).toList();
        InboundVerifier head = (request, now) -> {
            String timestamp = request.header("webhook-timestamp");
            if (request.header("webhook-id") == null || timestamp == null || request.header("webhook-signature") == null) {
                return false;
            }
            try {
                return withinTolerance(Long.parseLong(timestamp.trim()), now, tolerance);
            } catch (NumberFormatException e) {
                return false;
            }
        };
        return overBody((request, now) -> {
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
            if (!withinTolerance(seconds, now, tolerance)) {
                return false;
            }
            byte[] signed = Hmac.concat((id + "." + seconds + ".").getBytes(StandardCharsets.UTF_8), request.body());
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
                    ok |= MessageDigest.isEqual(Hmac.of("HmacSHA256", key, signed), given);
                }
            }
            return ok;
        }, head);
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

    /**
     * The timestamp is at most {@code tolerance} from now, either way. Compared against the window's
     * ends, not as {@code |now - ts|}, which overflows for a timestamp near {@code -2^63} and then passes.
     */
    static boolean withinTolerance(long seconds, Instant now, Duration tolerance) {
        long at = now.getEpochSecond();
        return seconds >= at - tolerance.toSeconds() && seconds <= at + tolerance.toSeconds();
    }
}
