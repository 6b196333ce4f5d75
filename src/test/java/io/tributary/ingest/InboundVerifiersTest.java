package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.ingest.SourceProperties.Auth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A source whose secrets are missing, empty or blank is refused when it is built (at start), for every
 * auth type; the message names the source and never a secret.
 */
class InboundVerifiersTest {

    @TempDir
    Path dir;

    private static Auth auth(String type, String... secrets) {
        return new Auth(type, Arrays.asList(secrets), null, null, null, null, null, "user", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "basic", "hmac", "dailydraft-signature", "standard-webhooks"})
    void emptyOrBlankSecretsAreRefusedForEveryType(String type) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "  \n");
        String good = type.equals("standard-webhooks") ? "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" : "a-real-secret-of-32-characters!!";
        for (List<String> secrets : List.of(List.<String>of(), List.of(""), List.of("   "), List.of(good, ""),
                List.of("file:" + empty))) {
            assertThatThrownBy(() -> InboundVerifiers.of("acme-" + type, auth(type, secrets.toArray(String[]::new))))
                    .as("%s %s", type, secrets)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("source 'acme-" + type + "'")
                    .hasMessageNotContaining(good);
        }
        assertThat(InboundVerifiers.of("acme-" + type, auth(type, good))).isNotNull();
    }

    @Test
    void aStandardWebhooksSecretWithNoKeyAfterItsPrefixIsRefused() {
        assertThatThrownBy(() -> InboundVerifiers.of("sw", auth("standard-webhooks", "whsec_")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("source 'sw'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmac", "dailydraft-signature", "standard-webhooks"})
    void aSigningKeyUnderSixteenBytesIsRefused(String type) {
        java.util.function.Function<Integer, String> key = n -> type.equals("standard-webhooks")
                ? "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[n]) : "k".repeat(n);
        assertThatThrownBy(() -> InboundVerifiers.of("short", auth(type, key.apply(32), key.apply(15))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("source 'short'").hasMessageContaining("15 bytes");
        assertThat(InboundVerifiers.of("short", auth(type, key.apply(16)))).isNotNull();
    }

    @Test
    void anEmptyTokenOrPasswordCannotBeMatchedByAnEmptyCredential() {
        // What the refusal at start prevents: were [""] accepted, "?token=" would pass.
        InboundVerifier token = InboundVerifiers.of("t", auth("token", "tok"));
        InboundVerifier.Request emptyToken = new InboundVerifier.Request() {
            public byte[] body() {
                return new byte[0];
            }

            public String header(String name) {
                return null;
            }

            public String query(String name) {
                return "";
            }
        };
        assertThat(token.verify(emptyToken, java.time.Instant.now())).isFalse();
    }

    @Test
    void aTimestampFarInThePastIsOutsideTheToleranceEvenWhereNowMinusItOverflows() {
        java.time.Instant now = java.time.Instant.ofEpochSecond(1_764_000_000L);
        java.time.Duration fiveMinutes = java.time.Duration.ofMinutes(5);
        assertThat(InboundVerifiers.withinTolerance(now.getEpochSecond() - 300, now, fiveMinutes)).isTrue();
        assertThat(InboundVerifiers.withinTolerance(now.getEpochSecond() + 300, now, fiveMinutes)).isTrue();
        assertThat(InboundVerifiers.withinTolerance(now.getEpochSecond() - 301, now, fiveMinutes)).isFalse();
        assertThat(InboundVerifiers.withinTolerance(now.getEpochSecond() + 301, now, fiveMinutes)).isFalse();
        // now - ts overflows to Long.MIN_VALUE here, and Math.abs(Long.MIN_VALUE) is negative: within any tolerance
        assertThat(InboundVerifiers.withinTolerance(Long.MIN_VALUE + now.getEpochSecond(), now, fiveMinutes)).isFalse();
        assertThat(InboundVerifiers.withinTolerance(Long.MIN_VALUE, now, fiveMinutes)).isFalse();
    }
}
