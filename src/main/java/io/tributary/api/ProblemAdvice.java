package io.tributary.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.system.ProblemException;
import io.tributary.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** {@link ProblemException}s from the admin API as problem documents. */
@RestControllerAdvice
class ProblemAdvice {

    static final MediaType PROBLEM = MediaType.parseMediaType(Problems.MEDIA_TYPE);

    /** A payload that did not become a canonical event: 422 with the quarantine {@code reason}. */
    static ObjectNode unprocessable(io.tributary.mapping.Normalization.Quarantined q, HttpServletRequest request) {
        ObjectNode problem = Problems.of(422, "Unprocessable Content", q.detail(), request.getRequestURI());
        problem.put("reason", q.reason().code());
        return problem;
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ObjectNode> problem(ProblemException e, HttpServletRequest request) {
        return ResponseEntity.status(e.status()).contentType(PROBLEM).body(Problems.of(e, request.getRequestURI()));
    }
}
