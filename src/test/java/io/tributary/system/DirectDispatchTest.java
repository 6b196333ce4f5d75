package io.tributary.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import io.tributary.WebhookClient.Answer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
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
    WebhookClient client;

    @BeforeEach
    void client() {
        client = new WebhookClient(port);
    }

    @Test
    void aWebhookIsAnsweredWithoutAnAsynchronousDispatch() {
        int before = asyncDispatches.count.get();
        String id = "evt_" + UUID.randomUUID();
        String body = "{\"id\":\"" + id + "\",\"type\":\"click\",\"workspace_id\":\"w\",\"to_email\":\"a@b.test\",\"created_at\":1654703617}";

        Answer accepted = client.post("/webhooks/mailstand/demo", body);
        Answer duplicate = client.post("/webhooks/mailstand/demo", body);
        Answer keyed = client.post("/webhooks/dailystory/demo/opted_in_to_email", "{\"dsid\":\"c-" + id + "\",\"email\":\"a@b.test\"}");

        assertThat(accepted.status()).isEqualTo(202);
        assertThat(accepted.json().get("status").asText()).isEqualTo("accepted");
        assertThat(duplicate.status()).isEqualTo(200);
        assertThat(keyed.status()).isIn(202, 200);
        assertThat(asyncDispatches.count.get() - before).as("asynchronous dispatches of webhooks").isZero();
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
