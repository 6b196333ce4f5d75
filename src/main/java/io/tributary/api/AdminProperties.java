package io.tributary.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API: {@code tributary.admin.*}.
 *
 * @param token bearer token every {@code /api/} call must carry (env {@code TRIBUTARY_ADMIN_TOKEN});
 *              a secret, never logged. Unset: only loopback clients are answered.
 */
@ConfigurationProperties("tributary.admin")
record AdminProperties(String token) {

    boolean hasToken() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (hasToken() ? "***" : "unset") + "]";
    }
}
