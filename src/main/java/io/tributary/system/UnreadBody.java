package io.tributary.system;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Marks a request answered without its body: the connection is closed after the answer instead of
 * the body being read (and thrown away) first. Tomcat otherwise reads what is left of a body before it
 * takes the next request on the connection, up to {@code max-swallow-size} (2 MB), holding the request
 * thread for as long as a client takes to send it, or not to. The valve of {@link HttpConfiguration}
 * tells Tomcat at the end of the request's first dispatch.
 *
 * <p>Only for an answer given in that dispatch. An answer from a read listener needs none of it (Tomcat
 * reads no more of a body than has come once a listener is set), and Tomcat told from there counts the
 * asynchronous request as never done: a graceful shutdown then waits its whole timeout for it.
 */
public final class UnreadBody {

    static final String ATTRIBUTE = "io.tributary.bodyUnread";

    private UnreadBody() {
    }

    public static void mark(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, Boolean.TRUE);
    }
}
