package io.tributary.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Keeps the console behind its login: anything under {@code /console/} but the login form and its
 * style sheet needs a {@link ConsoleSession}; a page asked for without one is sent to the login. Every
 * console answer may not be framed, runs only this origin's scripts, and is not cached.
 */
final class ConsoleFilter extends OncePerRequestFilter {

    private static final Set<String> OPEN = Set.of("/console/login", "/console/login.html", "/console/login.js", "/console/console.css");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("Cache-Control", "no-store");
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean open = OPEN.contains(path) || path.equals("/console") || path.equals("/console/");
        if (!open && !ConsoleSession.loggedIn(request)) {
            if (request.getMethod().equals("GET")) {
                response.sendRedirect(request.getContextPath() + "/console/login");
            } else {
                response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
            }
            return;
        }
        chain.doFilter(request, response);
    }
}
