package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.system.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards the admin API ({@code /api/}) and actuator, health and its groups aside: every call needs
 * {@code Authorization: Bearer <token>} (compared in constant time). The peer address, which a proxy
 * or sidecar on the same host makes loopback, earns nothing, except in the first-run profile
 * ({@link AdminProperties#loopbackWithoutToken()}).
 */
final class AdminAuthFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    /** The token's bytes; a secret, never logged. */
    private final byte[] token;
    private final boolean loopbackWithoutToken;
    private final String health;
    private final ObjectMapper json;

    /**
     * @param token                the admin token ({@link AdminToken})
     * @param loopbackWithoutToken first-run only: local calls need no token
     * @param actuatorBasePath     where actuator lives ({@code /actuator}); its health stays open
     */
    AdminAuthFilter(byte[] token, boolean loopbackWithoutToken, String actuatorBasePath, ObjectMapper json) {
        this.token = token.clone();
        this.loopbackWithoutToken = loopbackWithoutToken;
        this.health = actuatorBasePath + "/health";
        this.json = json;
    }

    /**
     * Health and its groups ({@code /actuator/health/readiness}) answer anyone, for a platform's probes.
     * Both the path the container mapped and the raw one must say so, so no spelling (matrix
     * parameters, dot segments, escapes) reads as health to this filter and as another endpoint to
     * Spring: where they disagree, the token is asked for.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String mapped = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        return isHealth(mapped) && isHealth(raw);
    }

    private boolean isHealth(String path) {
        return path.equals(health) || path.startsWith(health + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader("Authorization");
        boolean local = authorization == null && loopbackWithoutToken && isLoopback(request.getRemoteAddr());
        if (!local && !isValid(authorization)) {
            response.setHeader("WWW-Authenticate", "Bearer");
            Problems.write(json, request, response, 401, "Unauthorized", "A valid bearer token is required.");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isValid(String authorization) {
        byte[] given = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        return MessageDigest.isEqual(given, token);
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
