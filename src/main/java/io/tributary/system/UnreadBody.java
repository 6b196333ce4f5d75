package io.tributary.system;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Marks a request answered without its body: the connection is closed after the answer instead of
 * the body being read (and thrown away) first. Tomcat otherwise reads what is left of a body before it
 * takes the next request on the connection, up to {@code max-swallow-size} (2 MB), holding the request
 * thread for as long as a client takes to send it, or not to ({@link HttpConfiguration}).
 */
public final class UnreadBody {

    static final String ATTRIBUTE = "io.tributary.bodyUnread";

    private UnreadBody() {
    }

    public static void mark(HttpServletRequest request) {
        request.setAttribute(ATTRIBUTE, Boolean.TRUE);
    }
}
