package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Without a token the admin API answers only this machine; a remote client is refused. */
class AdminAuthFilterTest {

    private final AdminAuthFilter noToken = new AdminAuthFilter(new AdminProperties(null), new ObjectMapper());

    @Test
    void remoteClientIsForbiddenWithoutAConfiguredToken() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/quarantine");
        request.setRemoteAddr("203.0.113.9");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        noToken.doFilter(request, response, chain);
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(chain.getRequest()).isNull();
    }

    @Test
    void loopbackClientIsServedWithoutAConfiguredToken() throws Exception {
        for (String address : new String[] {"127.0.0.1", "::1"}) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/quarantine");
            request.setRemoteAddr(address);
            MockFilterChain chain = new MockFilterChain();
            noToken.doFilter(request, new MockHttpServletResponse(), chain);
            assertThat(chain.getRequest()).as(address).isNotNull();
        }
    }
}
