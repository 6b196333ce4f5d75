package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.tributary.AsyncRequests;
import io.tributary.RawHttp;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/**
 * A webhook runs its route once, on its request thread: no second, asynchronous dispatch through
 * Spring MVC. What the route answers is unchanged, and what no route takes still reaches Spring MVC.
 */
@TributaryTest
@Import(DirectDispatchTest.AsyncDispatches.class)
class DirectDispatchTest {

    /** Counts the asynchronous dispatches of webhook requests, which Spring MVC makes for a CompletableFuture. */
    @TestConfiguration(proxyBeanMethods = false)
    static class AsyncDispatches {
        final AtomicInteger count = new AtomicInteger();

        @Bean
        FilterRegistrationBean<Filter> countAsyncDispatches() {
            Filter counter = (request, response, chain) -> {
                count.incrementAndGet();
                chain.doFilter(request, response);
            };
            var registration = new FilterRegistrationBean<>(counter);
            registration.addUrlPatterns("/webhooks/*");
            registration.setDispatcherTypes(DispatcherType.ASYNC);
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
            return registration;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    AsyncDispatches asyncDispatches;
    @Autowired
    org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext web;
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    /** A webhook whose body came with its head, in one write, as most clients send a small one. */
    private String postInOneWrite(String path, String body) {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            return http.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\nConnection: close\r\n\r\n" + body).response();
        }
    }

    @Test
    void aWebhookIsAnsweredWithoutAnAsynchronousDispatch() {
        int before = asyncDispatches.count.get();
        String id = "evt_" + UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"type\":\"click\",\"workspace_id\":\"w\",\"to_email\":\"a@b.test\",\"created_at\":1654703617}";

        String accepted = postInOneWrite("/webhooks/mailstand/demo", body);
        String duplicate = postInOneWrite("/webhooks/mailstand/demo", body);
        String keyed = postInOneWrite("/webhooks/dailystory/demo/opted_in_to_email", "{\"dsid\":\"c-" + id + "\",\"email\":\"a@b.test\"}");

        assertThat(RawHttp.status(accepted)).as(accepted).isEqualTo(202);
        assertThat(accepted).contains("\"status\":\"accepted\"");
        assertThat(RawHttp.status(duplicate)).isEqualTo(200);
        assertThat(RawHttp.status(keyed)).isIn(202, 200);
        assertThat(asyncDispatches.count.get() - before).as("asynchronous dispatches of webhooks").isZero();
    }

    @Test
    void aWebhookWhoseBodyComesAfterItsHeadIsDispatchedOnceMoreWhenItHasCome() {
        int before = asyncDispatches.count.get();
        String body = "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\"w\",\"created_at\":1654703617}";
        try (RawHttp http = new RawHttp(port, Duration.ofSeconds(10))) {
            http.head("POST /webhooks/mailstand/demo HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
                    "Content-Length: " + body.length(), "Connection: close");
            await().atMost(Duration.ofSeconds(10)).until(() -> AsyncRequests.inProgress(web) > 0); // waiting for its body
            String answer = http.send(body).response();
            assertThat(RawHttp.status(answer)).as(answer).isEqualTo(202);
        }
        assertThat(asyncDispatches.count.get() - before).as("its body read without a thread, then one dispatch").isEqualTo(1);
    }

    @Test
    void whatNoRouteTakesStillGetsSpringMvcsAnswers() {
        Answer wrongMethod = client.get("/webhooks/mailstand/demo");
        Answer noSuchProvider = client.post("/webhooks/nosuch/demo", "{}");
        Answer unknownSource = client.post("/webhooks/mailstand/nosuch", "{\"id\":\"x\",\"type\":\"click\"}");

        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(noSuchProvider.status()).isEqualTo(404);
        assertThat(unknownSource.status()).isEqualTo(404);
        assertThat(unknownSource.json().get("detail").asText()).contains("nosuch");
    }
}
