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
 * Guards {@code /api/}: with a token configured, every call needs {@code Authorization: Bearer <token>}
 * (compared in constant time); without one, only clients on this machine are answered.
 */
final class AdminAuthFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    /** The configured token's bytes; a secret, never logged. */
    private final byte[] token;
    private final ObjectMapper json;

    AdminAuthFilter(AdminProperties properties, ObjectMapper json) {
        this.token = properties.hasToken() ? properties.token().getBytes(StandardCharsets.UTF_8) : null;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (token == null) {
            if (isLoopback(request.getRemoteAddr())) {
                chain.doFilter(request, response);
            } else {
                deny(request, response, 403, "Forbidden",
                        "The admin API answers only local clients until tributary.admin.token is set.");
            }
            return;
        }
        String header = request.getHeader("Authorization");
        byte[] given = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (MessageDigest.isEqual(given, token)) {
            chain.doFilter(request, response);
        } else {
            response.setHeader("WWW-Authenticate", "Bearer");
            deny(request, response, 401, "Unauthorized", "A valid bearer token is required.");
        }
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private void deny(HttpServletRequest request, HttpServletResponse response, int status, String title, String detail)
            throws IOException {
        Problems.write(json, request, response, status, title, detail);
    }
}
