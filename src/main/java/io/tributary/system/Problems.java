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

    public static ObjectNode of(ProblemException e, String instance) {
        ObjectNode problem = of(e.status(), e.title(), e.getMessage(), instance);
        if (e.field() != null) {
            problem.put("field", e.field());
        }
        return problem;
    }
}
