package io.tributary.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A console login: a servlet session, made when the admin token was given to the login form, that
 * stands for the token afterwards. Its cookie is {@code HttpOnly} and {@code SameSite=Strict}
 * ({@code server.servlet.session.cookie}); a request that changes anything must also carry the
 * session's CSRF token in {@value #CSRF_HEADER} (the console's pages read it from
 * {@code /console/session}, which only a page of this origin can read).
 */
final class ConsoleSession {

    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String ADMIN = "io.tributary.console.admin";
    private static final String CSRF = "io.tributary.console.csrf";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConsoleSession() {
    }

    /** Starts a new session for a login that gave the right token: a fresh id, so no session fixed before it carries over. */
    static void start(HttpServletRequest request) {
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        HttpSession session = request.getSession(true);
        byte[] csrf = new byte[32];
        RANDOM.nextBytes(csrf);
        session.setAttribute(ADMIN, Boolean.TRUE);
        session.setAttribute(CSRF, Base64.getUrlEncoder().withoutPadding().encodeToString(csrf));
    }

    /** The CSRF token of the request's console login, or null when it has none. */
    static String csrf(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session != null && session.getAttribute(ADMIN) != null ? (String) session.getAttribute(CSRF) : null;
    }

    static boolean loggedIn(HttpServletRequest request) {
        return csrf(request) != null;
    }

    /**
     * The request is made by a logged-in console page: a safe method, or one that carries the
     * session's CSRF token (compared in constant time).
     */
    static boolean admits(HttpServletRequest request) {
        String csrf = csrf(request);
        if (csrf == null) {
            return false;
        }
        String method = request.getMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            return true;
        }
        String given = request.getHeader(CSRF_HEADER);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), csrf.getBytes(StandardCharsets.UTF_8));
    }

    static void end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
