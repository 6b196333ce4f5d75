package io.tributary.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.AsyncRequests;
import io.tributary.RawHttp;
import io.tributary.TributaryTest;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A body that never comes, where Tomcat's read timeout ends the wait before the body's own deadline
 * (the defaults make the two equal, so either may come first): the client still gets its 408, not the
 * 500 Tomcat answers a failed read with, and the request is done.
 */
@TributaryTest
@TestPropertySource(properties = {"tributary.ingest.body-read-timeout=20s", "server.tomcat.connection-timeout=1s"})
class SlowBodyReadTimeoutTest {

    @LocalServerPort
    int port;
    @Autowired
    ServletWebServerApplicationContext web;

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: 300", "Transfer-Encoding: chunked"})
    void aBodyStillMissingAtTomcatsReadTimeoutIsAnswered408(String length) {
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            http.head("POST /webhooks/mailstand/demo HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", length);
            String response = http.response();
            assertThat(RawHttp.status(response)).as(response).isEqualTo(408);
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(http.closedByServer()).isTrue();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(AsyncRequests.inProgress(web)).isZero());
    }
}
