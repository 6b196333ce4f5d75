package io.tributary.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.TributaryTest;
import io.tributary.WebhookClient;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/**
 * The console's login, over plain HTTP: only the admin token opens a session; its cookie is HttpOnly
 * and SameSite=Strict; with it the admin API can be read, and changed only with the session's CSRF
 * token; the console's pages need it; logout ends it.
 */
@TributaryTest
@TestPropertySource(properties = "tributary.admin.token=console-admin-token-0123456789")
class ConsoleSessionTest {

    private static final String TOKEN = "console-admin-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    HttpClient browser;

    @BeforeEach
    void browser() {
        browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    private HttpResponse<String> login(String token) throws Exception {
        return send(at("/console/login").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void onlyTheTokenOpensTheConsoleAndItsSessionChangesNothingWithoutItsCsrfToken() throws Exception {
        String subscription = new WebhookClient(port).post("/api/v1/subscriptions",
                "{\"url\":\"https://example.com/" + UUID.randomUUID() + "\"}", "Authorization", "Bearer " + TOKEN).json().get("id").asText();

        HttpResponse<String> page = send(at("/console/index.html"));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location").orElse("")).endsWith("/console/login");
        assertThat(send(at("/api/v1/subscriptions")).statusCode()).as("no session, no token").isEqualTo(401);

        HttpResponse<String> wrong = login("console-admin-token-012345678X");
        assertThat(wrong.headers().firstValue("Location").orElse("")).contains("/console/login?failed");
        assertThat(send(at("/api/v1/subscriptions")).statusCode()).as("a wrong token opens nothing").isEqualTo(401);

        HttpResponse<String> right = login(TOKEN);
        assertThat(right.headers().firstValue("Location").orElse("")).endsWith("/console/");
        String cookie = right.headers().firstValue("Set-Cookie").orElse("");
        assertThat(cookie).startsWith("TRIBUTARY_CONSOLE=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");

        assertThat(send(at("/console/index.html")).statusCode()).isEqualTo(200);
        assertThat(send(at("/api/v1/subscriptions")).body()).contains(subscription);
        HttpResponse<String> forged = send(at("/api/v1/subscriptions/" + subscription + "/pause").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(forged.statusCode()).as("a change without the CSRF token").isEqualTo(403);
        String csrf = JSON.readTree(send(at("/console/session")).body()).get("csrf").asText();
        HttpResponse<String> paused = send(at("/api/v1/subscriptions/" + subscription + "/pause").header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);

        assertThat(send(at("/console/logout").POST(HttpRequest.BodyPublishers.noBody())).statusCode()).as("logout needs it too").isEqualTo(403);
        assertThat(send(at("/console/logout").header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.noBody())).statusCode()).isEqualTo(204);
        assertThat(send(at("/api/v1/subscriptions")).statusCode()).as("logged out").isEqualTo(401);
    }

    @Test
    void consolePagesMayNotBeFramedNorRunScriptsFromElsewhere() throws Exception {
        HttpResponse<String> login = send(at("/console/login"));
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("Admin token");
        assertThat(login.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'")
                .contains("frame-ancestors 'none'");
    }
}
