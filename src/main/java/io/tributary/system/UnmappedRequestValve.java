package io.tributary.system;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.ServletException;
import java.io.IOException;
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

    private final ObjectMapper json;
    private final Predicate<Request> stopping;

    UnmappedRequestValve(ObjectMapper json) {
        this(json, request -> request.getConnector().getProtocolHandler() instanceof AbstractProtocol<?> protocol && protocol.isPaused());
    }

    /** @param stopping whether the connector a request came through is pausing or paused (Tomcat stopping) */
    UnmappedRequestValve(ObjectMapper json, Predicate<Request> stopping) {
        super(true);
        this.json = json;
        this.stopping = stopping;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getContext() != null || response.isSuspended() || !stopping.test(request)) {
            getNext().invoke(request, response);
            return;
        }
        Problems.startingOrStopping(json, request, response); // as the readiness gate answers
    }
}
