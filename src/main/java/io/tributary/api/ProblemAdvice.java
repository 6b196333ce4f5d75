package io.tributary.api;

import com.fasterxml.jackson.databind.JsonMappingException;
import io.tributary.mapping.Normalization;
import io.tributary.system.ProblemException;
import io.tributary.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the admin API as Spring's {@link ProblemDetail} ({@code application/problem+json}):
 * {@link ProblemException}s, payloads that did not map, and what Spring MVC refuses itself (a body
 * that is not JSON or not of the expected shape, a constraint broken, a parameter missing), each
 * with a detail that says what to fix and, where there is one, the {@code field}.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    static final MediaType PROBLEM = MediaType.parseMediaType(Problems.MEDIA_TYPE);

    /** A payload that did not become a canonical event, where the API answers 422 with the quarantine {@code reason}. */
    static final class NotMapped extends RuntimeException {

        private final Normalization.Quarantined quarantined;
        private final Integer item;

        NotMapped(Normalization.Quarantined quarantined) {
            this(quarantined, null);
        }

        /** @param item the event's place in a batch, or {@code null} for a payload's one event */
        NotMapped(Normalization.Quarantined quarantined, Integer item) {
            super(quarantined.detail(), null, false, false);
            this.quarantined = quarantined;
            this.item = item;
        }
    }

    @ExceptionHandler(NotMapped.class)
    ResponseEntity<ProblemDetail> notMapped(NotMapped e, HttpServletRequest request) {
        ProblemDetail problem = problem(422, "Unprocessable Content",
                (e.item == null ? "" : "event " + e.item + " of the batch: ") + e.quarantined.detail(), request);
        problem.setProperty("reason", e.quarantined.reason().code());
        if (e.item != null) {
            problem.setProperty("item", e.item);
        }
        if (e.quarantined.providerEvent() != null) {
            problem.setProperty("providerevent", e.quarantined.providerEvent());
        }
        return ResponseEntity.unprocessableEntity().contentType(PROBLEM).body(problem);
    }

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e, HttpServletRequest request) {
        ProblemDetail problem = problem(e.status(), e.title(), e.getMessage(), request);
        if (e.field() != null) {
            problem.setProperty("field", e.field());
        }
        var answer = ResponseEntity.status(e.status()).contentType(PROBLEM);
        if (e.retryAfterSeconds() != null) {
            answer.header(HttpHeaders.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return answer.body(problem);
    }

    /** A body that is not JSON, or not of the expected shape: what was wrong, and where. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        String detail;
        String field = null;
        if (e.getCause() instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
            detail = field + ": " + m.getOriginalMessage().replaceAll(" at \\[Source.*", "");
        } else if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            detail = "The request body is not valid JSON.";
        } else {
            detail = "A JSON request body is expected.";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        if (field != null) {
            problem.setProperty("field", field);
        }
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    /** A constraint of the request body broken: each field with what it must be. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage()).sorted().collect(Collectors.joining("; ")) + ".");
        if (!e.getBindingResult().getFieldErrors().isEmpty()) {
            problem.setProperty("field", e.getBindingResult().getFieldErrors().get(0).getField());
        }
        return handleExceptionInternal(e, problem, headers, status, request);
    }

    private static ProblemDetail problem(int status, String title, String detail, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setTitle(title);
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }
}
