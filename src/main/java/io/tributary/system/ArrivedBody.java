package io.tributary.system;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Whether a request's body had all arrived when the request reached the application, as the Tomcat
 * valve of {@link HttpConfiguration} saw it: a body that is all there is read on the request thread
 * without waiting; one still on its way is read without holding a thread.
 */
public final class ArrivedBody {

    static final String STILL_COMING = "io.tributary.bodyStillComing";

    private ArrivedBody() {
    }

    /**
     * True when part of the body has yet to come: fewer bytes in the server's buffer than
     * {@code Content-Length}, or a chunked body. False when it is all there, when there is none, and
     * where the server does not say.
     */
    public static boolean stillComing(HttpServletRequest request) {
        return request.getAttribute(STILL_COMING) != null;
    }
}
