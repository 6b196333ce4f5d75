package io.tributary.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.system.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers a webhook {@code 503} with {@code Retry-After} while Tributary is not ready for it, before
 * anything reads the body. Tomcat listens before Camel's routes exist (they start on the context's
 * refresh event, after the web server), and goes on listening while the context closes; without this
 * gate a provider posting then would get {@code 404}, and many disable a webhook URL that answers
 * {@code 404}. A {@code 503} is one every provider retries.
 *
 * <p>Ready means Spring Boot's readiness state is {@code ACCEPTING_TRAFFIC} (set after the context
 * refreshed, Camel started and the runners ran; back to {@code REFUSING_TRAFFIC} as soon as the
 * context begins to close) and the Camel context is started (it can be stopped on its own, by JMX or
 * a control bus, while Spring runs on).
 */
final class ReadinessGate extends OncePerRequestFilter {

    private final ApplicationAvailability availability;
    private final BooleanSupplier camelStarted;
    private final ObjectMapper json;

    /**
     * @param camelStarted whether the Camel context is started; asked only once the readiness state
     *                     is {@code ACCEPTING_TRAFFIC}, so after the application context refreshed
     */
    ReadinessGate(ApplicationAvailability availability, BooleanSupplier camelStarted, ObjectMapper json) {
        this.availability = availability;
        this.camelStarted = camelStarted;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (availability.getReadinessState() == ReadinessState.ACCEPTING_TRAFFIC && camelStarted.getAsBoolean()) {
            chain.doFilter(request, response);
            return;
        }
        io.tributary.system.UnreadBody.mark(request); // the body is not read
        Problems.startingOrStopping(json, request, response);
    }
}
