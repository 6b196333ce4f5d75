package io.tributary.api;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The admin API and actuator: {@code tributary.admin.*}.
 *
 * @param token                 bearer token every {@code /api/} and actuator call (health aside) must
 *                              carry (env {@code TRIBUTARY_ADMIN_TOKEN}); a secret, never logged. Unset:
 *                              one is generated at first start and kept in the data directory
 *                              ({@link AdminToken})
 * @param loopbackWithoutToken  whether clients on this machine need no token while none is configured:
 *                              for the first-run profile only ({@code mvn spring-boot:run}), since behind
 *                              a proxy or sidecar on the same host every client is on loopback. Such a
 *                              call must also name this machine in its {@code Host} (and {@code Origin},
 *                              if any), so a web page cannot reach it through DNS rebinding or a
 *                              cross-site request
 */
@ConfigurationProperties("tributary.admin")
record AdminProperties(String token, boolean loopbackWithoutToken) {

    boolean hasToken() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "AdminProperties[token=" + (hasToken() ? "***" : "unset") + ", loopbackWithoutToken=" + loopbackWithoutToken + "]";
    }
}
