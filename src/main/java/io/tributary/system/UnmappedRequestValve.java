package io.tributary.system;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.AbstractProtocol;

/**
 * Answers {@code 503} with {@code Retry-After}, as problem+json, a request that Tomcat let in but mapped
 * to no web application while its connector is paused: one caught by a graceful stop. The
 * application's own gate ({@code ReadinessGate}) never sees such a request, because no filter of an
 * application runs without the application, and Tomcat's host would answer it with its own HTML error
 * page instead, which a provider may not retry.
 *
 * <p>The case that made this valve: during a graceful stop Tomcat pauses its connector. A request whose
 * first line Tomcat read just as that happened is given 503 by Tomcat, which then skips its headers.
 * Its check of the {@code Host} header turns that into {@code 400 Bad Request}, and the request is
 * mapped to no application. A provider that gets 400 for a webhook may drop it, so here it gets the
 * same 503 as every other request while Tomcat stops.
 *
 * <p>Only while the connector is paused: at any other time a request mapped to no application is one
 * Tomcat refused on its own account (an invalid or ambiguous URI), already answered with
 * {@code sendError}, and its 400 stands. An engine valve: it runs before the host's error report.
 */
final class UnmappedRequestValve extends ValveBase {

    /** Seconds a provider is asked to wait, as the readiness gate asks. */
    static final int RETRY_AFTER_SECONDS = 5;

    private final Predicate<Request> stopping;

    UnmappedRequestValve() {
        this(request -> request.getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol && protocol.isPaused());
    }

    /** @param stopping whether the connector a request came through is pausing or paused (Tomcat stopping) */
    UnmappedRequestValve(Predicate<Request> stopping) {
        super(true);
        this.stopping = stopping;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getContext() != null || response.isSuspended() || !stopping.test(request)) {
            getNext().invoke(request, response);
            return;
        }
        byte[] body = Problems.of(503, "Service Unavailable", "Tributary is starting or stopping; retry later.", null)
                .toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(503);
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        response.setHeader("Connection", "close");
        response.setContentType(Problems.MEDIA_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
