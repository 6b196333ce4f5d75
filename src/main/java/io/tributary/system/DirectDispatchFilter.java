package io.tributary.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs a request that a started platform-http route takes on that route directly, on the request's
 * own thread, after every other filter (so the webhook filters, the readiness gate and the HTTP
 * metrics see it as before); any other request goes on to Spring MVC. See
 * {@link DirectPlatformHttpEngine}.
 */
final class DirectDispatchFilter extends OncePerRequestFilter {

    private final DirectPlatformHttpEngine engine;

    DirectDispatchFilter(DirectPlatformHttpEngine engine) {
        this.engine = engine;
    }

    /** A webhook whose body was read without a thread is served in its second dispatch. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<DirectPlatformHttpEngine.DirectConsumer> route = engine.consumerFor(request);
        if (route.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        try {
            route.get().serve(request, response);
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
    }
}
