package io.tributary.system;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** RFC 9457 problem documents, the one error shape of every Tributary endpoint. */
public final class Problems {

    public static final String MEDIA_TYPE = "application/problem+json";

    private Problems() {
    }

    public static ObjectNode of(int status, String title, String detail, String instance) {
        ObjectNode problem = JsonNodeFactory.instance.objectNode();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        if (detail != null) {
            problem.put("detail", detail);
        }
        if (instance != null) {
            problem.put("instance", instance);
        }
        return problem;
    }

    /** Answers a servlet request with a problem document, for filters that refuse before any controller. */
    public static void write(com.fasterxml.jackson.databind.ObjectMapper json, jakarta.servlet.http.HttpServletRequest request,
                             jakarta.servlet.http.HttpServletResponse response, int status, String title, String detail)
            throws java.io.IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        json.writeValue(response.getOutputStream(), of(status, title, detail, request.getRequestURI()));
    }

    /** Seconds a client is asked to wait while Tributary starts or stops: about how long a start takes. */
    public static final int RETRY_AFTER_STARTING_OR_STOPPING = 5;

    /**
     * 503 with {@code Retry-After} while Tributary starts or stops, on a connection closed after it: the
     * body is not read, and the client's next try opens a new connection, which a load balancer can send
     * to a node that is ready.
     */
    public static void startingOrStopping(com.fasterxml.jackson.databind.ObjectMapper json, jakarta.servlet.http.HttpServletRequest request,
                                          jakarta.servlet.http.HttpServletResponse response) throws java.io.IOException {
        response.setHeader("Retry-After", Integer.toString(RETRY_AFTER_STARTING_OR_STOPPING));
        response.setHeader("Connection", "close");
        write(json, request, response, 503, "Service Unavailable", "Tributary is starting or stopping; retry later.");
    }

    public static ObjectNode of(ProblemException e, String instance) {
        ObjectNode problem = of(e.status(), e.title(), e.getMessage(), instance);
        if (e.field() != null) {
            problem.put("field", e.field());
        }
        return problem;
    }
}
