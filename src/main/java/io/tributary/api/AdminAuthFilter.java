package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.system.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards the admin API ({@code /api/}) and actuator, health and its groups aside: every call needs
 * {@code Authorization: Bearer <token>} (compared in constant time). The peer address, which a proxy
 * or sidecar on the same host makes loopback, earns nothing, except in the first-run profile
 * ({@link AdminProperties#loopbackWithoutToken()}), and there only for a call whose {@code Host} and
 * {@code Origin} name this machine: a web page the operator visits can neither rebind its own name to
 * 127.0.0.1 nor post across sites to it.
 *
 * <p>A logged-in console page ({@link ConsoleSession}) stands for the token: it may read, and change
 * what it carries its session's CSRF token for.
 *
 * <p>An admin API request that has a body must say it is {@code application/json}, else 415 before
 * anything reads it: a form or {@code text/plain} post is what a browser sends across sites without
 * asking first.
 */
final class AdminAuthFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final AdminCredential token;
    private final boolean loopbackWithoutToken;
    private final String health;
    private final ObjectMapper json;

    /**
     * @param token                the admin token ({@link AdminToken})
     * @param loopbackWithoutToken first-run only: local calls need no token
     * @param actuatorBasePath     where actuator lives ({@code /actuator}); its health stays open
     */
    AdminAuthFilter(AdminCredential token, boolean loopbackWithoutToken, String actuatorBasePath, ObjectMapper json) {
        this.token = token;
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
        if (authorization == null && ConsoleSession.loggedIn(request)) {
            if (!ConsoleSession.admits(request)) {
                Problems.write(json, request, response, 403, "Forbidden",
                        "A console request that changes something must carry its session's " + ConsoleSession.CSRF_HEADER + ".");
                return;
            }
        } else if (authorization == null && loopbackWithoutToken && isLoopback(request.getRemoteAddr())) {
            if (!namesThisMachine(request.getHeader("Host"), false) || !namesThisMachine(request.getHeader("Origin"), true)) {
                Problems.write(json, request, response, 403, "Forbidden",
                        "Without a token the admin API answers only requests addressed to localhost, 127.0.0.1 or [::1].");
                return;
            }
        } else if (!isValid(authorization)) {
            response.setHeader("WWW-Authenticate", "Bearer");
            Problems.write(json, request, response, 401, "Unauthorized", "A valid bearer token is required.");
            return;
        }
        if (request.getServletPath().startsWith("/api/") && hasBody(request) && !isJson(request.getContentType())) {
            Problems.write(json, request, response, 415, "Unsupported Media Type", "The admin API takes application/json only.");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isValid(String authorization) {
        boolean bearer = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        return token.matches(bearer ? authorization.substring(BEARER.length()).trim() : "") && bearer;
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a {@code Host} ({@code name[:port]}) or {@code Origin} ({@code scheme://name[:port]})
     * names this machine by a loopback name; an absent {@code Origin} is fine (not a cross-site
     * request), an absent {@code Host} is not.
     */
    private static boolean namesThisMachine(String value, boolean origin) {
        if (value == null) {
            return origin;
        }
        String host;
        try {
            host = (origin ? URI.create(value) : URI.create("http://" + value)).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) {
            return false; // "Origin: null" (a sandboxed page, a redirect) or nonsense
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null
                || request.getContentType() != null;
    }

    private static boolean isJson(String contentType) {
        try {
            return contentType != null && MediaType.APPLICATION_JSON.equalsTypeAndSubtype(MediaType.parseMediaType(contentType));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
