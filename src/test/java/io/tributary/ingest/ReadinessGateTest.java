package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The gate on its own: a webhook passes only when Spring Boot says ready and Camel is started. */
class ReadinessGateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readyAndCamelStartedPassesTheRequestOnUntouched() throws Exception {
        MockHttpServletRequest request = webhook();
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        gate(ReadinessState.ACCEPTING_TRAFFIC, true).doFilter(request, response, chain);

        assertThat(chain.getRequest()).isSameAs(request);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeader("Retry-After")).isNull();
    }

    @Test
    void refusingTrafficAnswers503WithRetryAfterBeforeReadingTheBody() throws Exception {
        MockHttpServletRequest request = webhook();
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        gate(ReadinessState.REFUSING_TRAFFIC, true).doFilter(request, response, chain);

        assertThat(chain.getRequest()).as("nothing after the gate saw the request").isNull();
        assertUnavailable(response);
        assertThat(request.getInputStream().readAllBytes()).as("the body was not read")
                .isEqualTo("{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void camelNotStartedAnswers503EvenWhenSpringSaysReady() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();

        gate(ReadinessState.ACCEPTING_TRAFFIC, false).doFilter(webhook(), response, chain);

        assertThat(chain.getRequest()).isNull();
        assertUnavailable(response);
    }

    @Test
    void camelIsNotAskedBeforeSpringSaysReady() throws Exception {
        AtomicBoolean asked = new AtomicBoolean();
        ReadinessGate gate = new ReadinessGate(availability(ReadinessState.REFUSING_TRAFFIC), () -> {
            asked.set(true); // before the refresh ends, looking Camel up could create it out of order
            return true;
        }, JSON);

        gate.doFilter(webhook(), new MockHttpServletResponse(), new MockFilterChain());

        assertThat(asked).isFalse();
    }

    @ParameterizedTest
    @EnumSource(ReadinessState.class)
    void onlyAcceptingTrafficPasses(ReadinessState state) throws Exception {
        MockFilterChain chain = new MockFilterChain();
        gate(state, true).doFilter(webhook(), new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest() != null).isEqualTo(state == ReadinessState.ACCEPTING_TRAFFIC);
    }

    private static void assertUnavailable(MockHttpServletResponse response) throws Exception {
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsByteArray());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("title").asText()).isEqualTo("Service Unavailable");
        assertThat(problem.get("detail").asText()).contains("starting or stopping");
        assertThat(problem.get("instance").asText()).isEqualTo("/webhooks/mailstand/demo");
    }

    private static MockHttpServletRequest webhook() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/mailstand/demo");
        request.setContentType("application/json");
        request.setContent("{\"id\":\"evt_1\"}".getBytes(StandardCharsets.UTF_8));
        return request;
    }

    private static ReadinessGate gate(ReadinessState readiness, boolean camelStarted) {
        return new ReadinessGate(availability(readiness), () -> camelStarted, JSON);
    }

    /** A fixed availability: always live, always {@code readiness}. */
    private static ApplicationAvailability availability(ReadinessState readiness) {
        return new ApplicationAvailability() {
            @Override
            @SuppressWarnings("unchecked")
            public <S extends AvailabilityState> S getState(Class<S> type, S defaultState) {
                return type == ReadinessState.class ? (S) readiness : type == LivenessState.class ? (S) LivenessState.CORRECT : defaultState;
            }

            @Override
            public <S extends AvailabilityState> S getState(Class<S> type) {
                return getState(type, null);
            }

            @Override
            public <S extends AvailabilityState> org.springframework.boot.availability.AvailabilityChangeEvent<S> getLastChangeEvent(Class<S> type) {
                return null;
            }
        };
    }
}
