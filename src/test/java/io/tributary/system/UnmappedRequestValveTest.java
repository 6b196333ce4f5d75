package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.OutputBuffer;
import org.junit.jupiter.api.Test;

/**
 * The engine valve on Tomcat's own request and response objects, in the state Tomcat hands a request
 * it mapped to no application. The race that produces it in a running server (a request line read as
 * the graceful stop pauses the connector, turned into 400 by the missing {@code Host} header) cannot be
 * timed from outside; {@code ReadinessGateLifecycleTest} posts through real stops around it.
 */
class UnmappedRequestValveTest {

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private final org.apache.coyote.Response coyoteResponse = new org.apache.coyote.Response();
    private final Request request = new Request(new Connector("HTTP/1.1"));
    private final Response response = new Response();
    private final AtomicBoolean passedOn = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean(true);
    private final UnmappedRequestValve valve = new UnmappedRequestValve(new ObjectMapper(), request -> stopping.get());

    UnmappedRequestValveTest() {
        org.apache.coyote.Request coyoteRequest = new org.apache.coyote.Request();
        coyoteRequest.setResponse(coyoteResponse);
        coyoteResponse.setRequest(coyoteRequest);
        coyoteRequest.setNote(1, request); // as CoyoteAdapter links them (ADAPTER_NOTES)
        coyoteResponse.setOutputBuffer(new OutputBuffer() {
            @Override
            public int doWrite(ByteBuffer chunk) {
                int n = chunk.remaining();
                byte[] bytes = new byte[n];
                chunk.get(bytes);
                sent.write(bytes, 0, n);
                return n;
            }

            @Override
            public long getBytesWritten() {
                return sent.size();
            }
        });
        request.setCoyoteRequest(coyoteRequest);
        response.setCoyoteResponse(coyoteResponse);
        response.setRequest(request);
        request.setResponse(response);
        valve.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) {
                passedOn.set(true);
            }
        });
    }

    @Test
    void aRequestTomcatRefusedAs400WhileStoppingIsAnswered503ProblemJsonWithRetryAfter() throws Exception {
        // As Tomcat leaves it: 503 for the paused connector, then 400 for the Host header it did not read.
        coyoteResponse.setStatus(400);
        coyoteResponse.setError();

        valve.invoke(request, response);
        response.finishResponse();

        assertThat(passedOn).as("the host (and its HTML error report) never sees it").isFalse();
        assertThat(coyoteResponse.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getHeader("Connection")).isEqualTo("close");
        assertThat(coyoteResponse.getContentType()).startsWith("application/problem+json");
        JsonNode problem = new ObjectMapper().readTree(sent.toByteArray());
        assertThat(problem.path("status").asInt()).isEqualTo(503);
        assertThat(problem.path("title").asText()).isEqualTo("Service Unavailable");
    }

    @Test
    void aRequestTomcatRefusedOnItsOwnAccountKeepsItsAnswerWhenTheServerIsNotStopping() throws Exception {
        // An invalid URI (AdminAuthTest posts some): Tomcat mapped it to no application and answered 400.
        stopping.set(false);
        coyoteResponse.setStatus(400);
        coyoteResponse.setError();

        valve.invoke(request, response);

        assertThat(passedOn).isTrue();
        assertThat(coyoteResponse.getStatus()).isEqualTo(400);
        assertThat(response.getHeader("Retry-After")).isNull();
    }

    @Test
    void aRequestAlreadyAnsweredWithSendErrorGoesOnEvenWhileStopping() throws Exception {
        response.sendError(400, "Invalid URI"); // suspends the response: nothing more could be written

        valve.invoke(request, response);

        assertThat(passedOn).isTrue();
        assertThat(coyoteResponse.getStatus()).isEqualTo(400);
    }

    @Test
    void aRequestMappedToTheApplicationGoesOnUntouched() throws Exception {
        request.getMappingData().context = new StandardContext();

        valve.invoke(request, response);

        assertThat(passedOn).isTrue();
        assertThat(coyoteResponse.getStatus()).isEqualTo(200);
        assertThat(response.getHeader("Retry-After")).isNull();
        assertThat(sent.size()).isZero();
    }
}
