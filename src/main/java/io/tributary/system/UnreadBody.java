package io.tributary.system;

import org.apache.coyote.ActionCode;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Marks a request answered without its body: the connection is closed after the answer instead of
 * the body being read (and thrown away) first. Tomcat otherwise reads what is left of a body before it
 * takes the next request on the connection, up to {@code max-swallow-size} (2 MB), holding the request
 * thread for as long as a client takes to send it, or not to ({@link HttpConfiguration}).
 */
public final class UnreadBody {

    static final String ATTRIBUTE = "io.tributary.bodyUnread";
    /** Tomcat's own request, where the valve of {@link HttpConfiguration} leaves it. */
    static final String CONTAINER_REQUEST = "io.tributary.containerRequest";

    private UnreadBody() {
    }

    /**
     * Marks the request; on Tomcat, also tells it at once not to read the rest of the body, so this
     * holds for an answer given outside the request's first dispatch (a body read asynchronously).
     */
    public static void mark(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, Boolean.TRUE);
        if (request.getAttribute(CONTAINER_REQUEST) instanceof org.apache.coyote.Request tomcat) {
            tomcat.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
        }
    }
}
