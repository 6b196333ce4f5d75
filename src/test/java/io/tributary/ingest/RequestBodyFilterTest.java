package io.tributary.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.StreamCache;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The request the filter hands on: its body is the kept bytes, whichever way the next step reads it
 * (Camel's binding takes the reader, the webhook steps the raw bytes).
 */
class RequestBodyFilterTest {

    private final RequestBodyFilter filter = new RequestBodyFilter(1024, java.time.Duration.ofSeconds(10), new ObjectMapper(), request -> null);

    @Test
    void theReaderGivesTheBodyDecodedAsUtf8() throws Exception {
        String body = "{\"name\":\"Zoë 🌊 Łódź\",\"n\":1}";
        HttpServletRequest passed = pass(body.getBytes(StandardCharsets.UTF_8));

        BufferedReader reader = passed.getReader();
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[3]; // smaller than the body and than a surrogate pair's neighbourhood
        for (int n; (n = reader.read(buffer)) >= 0; ) {
            text.append(buffer, 0, n);
        }

        assertThat(text.toString()).isEqualTo(body);
        assertThat(reader.read()).isEqualTo(-1);
        assertThat(RequestBodyFilter.rawBody(passed)).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theReaderReadsLines() throws Exception {
        HttpServletRequest passed = pass("first\nsecond".getBytes(StandardCharsets.UTF_8));

        BufferedReader reader = passed.getReader();

        assertThat(reader.readLine()).isEqualTo("first");
        assertThat(reader.readLine()).isEqualTo("second");
        assertThat(reader.readLine()).isNull();
    }

    @Test
    void theReaderIsAStreamCacheThatCamelCanReadAgain() throws Exception {
        byte[] body = "{\"a\":\"ü\"}".getBytes(StandardCharsets.UTF_8);
        BufferedReader reader = pass(body).getReader();

        assertThat(reader).isInstanceOf(StreamCache.class);
        StreamCache cache = (StreamCache) reader;
        assertThat(reader.readLine()).isEqualTo("{\"a\":\"ü\"}");
        cache.reset();
        assertThat(reader.readLine()).as("after reset, from the start").isEqualTo("{\"a\":\"ü\"}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cache.writeTo(out);
        assertThat(out.toByteArray()).isEqualTo(body);
        assertThat(cache.length()).isEqualTo(body.length);
        assertThat(cache.inMemory()).isTrue();
    }

    @Test
    void theStreamGivesTheSameBytes() throws Exception {
        byte[] body = "{\"a\":\"é\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(pass(body).getInputStream().readAllBytes()).isEqualTo(body);
    }

    private HttpServletRequest pass(byte[] body) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/webhooks/mailstand/demo");
        request.setContentType("application/json");
        request.setContent(body);
        AtomicReference<HttpServletRequest> passed = new AtomicReference<>();
        filter.doFilter(request, new MockHttpServletResponse(), (req, res) -> passed.set((HttpServletRequest) req));
        assertThat(passed.get()).as("the filter let the request through").isNotNull();
        return passed.get();
    }
}
