package io.tributary;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The console in a real browser (Debian's headless Chromium, through chromium-driver): the login, the
 * overview, pausing and resuming a subscription from it, the API's description, logout. Screenshots go
 * to target/console/.
 */
@TributaryTest
@TestPropertySource(properties = {"tributary.admin.token=browser-admin-token-0123456789",
        "tributary.delivery.allowed-networks=127.0.0.0/8",
        "tributary.delivery.retry-schedule=0s,200ms",
        "tributary.delivery.jitter=0",
        "tributary.delivery.pause-after-failures=2"})
class ConsoleBrowserTest {

    private static final String TOKEN = "browser-admin-token-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** Where the quarantine test fixes a mapping: an override root, as an operator's would be. */
    @TempDir
    static Path mappings;

    @DynamicPropertySource
    static void mappingOverrides(DynamicPropertyRegistry registry) {
        registry.add("tributary.mappings.location", () -> mappings.toUri().toString());
    }

    @LocalServerPort
    int port;
    WebDriver browser;

    @BeforeEach
    void browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromium.driver", "/usr/bin/chromedriver"))).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void close() {
        browser.quit();
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private void screenshot(String name) throws Exception {
        Path dir = Path.of("target", "console");
        Files.createDirectories(dir);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Logs in, then follows the header's link to a page (none: stays on the overview); the wait for the rest. */
    private WebDriverWait logInAndOpen(String page) {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class); // pages redraw their tables after each change
        browser.get(url("/console/login"));
        logIn(TOKEN);
        loaded(wait);
        if (page != null) {
            browser.findElement(By.linkText(page)).click();
            loaded(wait);
        }
        return wait;
    }

    private static void loaded(WebDriverWait wait) {
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-loaded", "true"));
    }

    private void logIn(String token) {
        WebElement field = browser.findElement(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("login")).click();
    }

    @Test
    void logInSeeTheOverviewPauseAndResumeASubscriptionLogOut() throws Exception {
        WebhookClient api = new WebhookClient(port);
        String subscription = api.post("/api/v1/subscriptions", "{\"url\":\"https://example.com/" + UUID.randomUUID() + "\",\"types\":[\"contact.*\"]}",
                "Authorization", "Bearer " + TOKEN).json().get("id").asText();
        api.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"to\":\"contact_1\","
                + "\"created_at\":1654703617}");
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class); // the page redraws a table after each change

        browser.get(url("/console"));
        wait.until(ExpectedConditions.urlContains("/console/login"));
        screenshot("login");
        logIn("not-the-token");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("failed")));

        logIn(TOKEN);
        loaded(wait);
        Cookie session = browser.manage().getCookieNamed("TRIBUTARY_CONSOLE");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");

        By row = By.xpath("//table[@id='subscriptions']//tr[td[1][text()='" + subscription + "']]");
        wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(Integer.parseInt(browser.findElement(By.id("by-provider")).getDomAttribute("data-bars")))
                .as("this minute's events drawn").isGreaterThanOrEqualTo(1);
        assertThat(browser.findElement(By.id("by-provider")).getText()).contains("mailstand");
        assertThat(Integer.parseInt(browser.findElement(By.id("tile-events")).getText())).isGreaterThanOrEqualTo(1);
        screenshot("overview");
        browser.findElement(By.id("window-24h")).click();
        wait.until(d -> d.findElement(By.id("bucket-note")).getText().contains("15 minutes"));
        wait.until(d -> {
            d.findElement(row).findElement(By.cssSelector("button.pause")).click();
            return true;
        });
        wait.until(d -> d.findElement(row).getText().contains("paused"));
        assertThat(api.get("/api/v1/subscriptions/" + subscription, "Authorization", "Bearer " + TOKEN).json().get("paused").asBoolean())
                .isTrue();
        wait.until(d -> {
            d.findElement(row).findElement(By.cssSelector("button.resume")).click();
            return true;
        });
        wait.until(d -> d.findElement(row).getText().contains("active"));
        assertThat(api.get("/api/v1/subscriptions/" + subscription, "Authorization", "Bearer " + TOKEN).json().get("paused").asBoolean())
                .isFalse();

        browser.findElement(By.linkText("Sources")).click();
        loaded(wait);
        assertThat(browser.findElement(By.xpath("//table[@id='sources']//tr[td[1][text()='demo']]")).getText())
                .contains("/webhooks/mailstand/demo", "none");
        screenshot("sources");

        // The API's browsable description opens with the same login.
        browser.get(url("/api/docs"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".opblock")));
        assertThat(browser.getPageSource()).contains("/api/v1/subscriptions");
        screenshot("api-docs");
        browser.get(url("/console/"));
        loaded(wait);

        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.urlContains("/console/login"));
        browser.get(url("/console/"));
        wait.until(ExpectedConditions.urlContains("/console/login"));
    }

    @Test
    void findAnEventByItsSubjectAndSeeItBesideItsPayloadAndDeliveries() throws Exception {
        WebhookClient api = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();
        String contact = "contact_" + UUID.randomUUID();
        try (TestReceiver subscriber = new TestReceiver()) {
            api.post("/api/v1/subscriptions", "{\"url\":\"" + subscriber.url() + "\",\"tenants\":[\"" + tenant + "\"]}",
                    "Authorization", "Bearer " + TOKEN);
            String key = api.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"" + contact + "\",\"subject\":\"Zoë's offer\",\"created_at\":1654703617}").json().get("key").asText();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> subscriber.received().size() == 1);
            WebDriverWait wait = logInAndOpen("Events");
            browser.findElement(By.name("subject")).sendKeys(contact);
            browser.findElement(By.id("find")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(key)));
            assertThat(browser.findElements(By.cssSelector("#events tbody tr"))).hasSize(1);
            screenshot("events");

            browser.findElement(By.linkText(key)).click();
            loaded(wait);
            assertThat(browser.findElement(By.id("canonical")).getText()).contains("message.clicked").contains("Zoë's offer");
            assertThat(browser.findElement(By.id("payload")).getText()).contains("\"type\": \"click\"").contains(tenant);
            assertThat(browser.findElement(By.id("deliveries")).getText()).contains("SUCCEEDED").contains("200");
            screenshot("event");
        }
    }

    @Test
    void findWhyAnEventIsQuarantinedTryAFixInThePlaygroundMakeItLiveAndReplayTheGroup() throws Exception {
        WebhookClient api = new WebhookClient(port);
        String id = UUID.randomUUID().toString();
        String key = api.post("/webhooks/acme/acme-shop", """
                {"kind": "cart.abandoned", "event_uuid": "%s", "at": "2026-02-01T08:00:00Z", "customer": {"number": 7, "mail": "q@example.org"}}
                """.formatted(id)).json().get("key").asText();
        WebDriverWait wait = logInAndOpen("Quarantine");
        By group = By.xpath("//table[@id='groups']//tr[td[1][text()='acme'] and td[2][text()='unmapped']]");
        wait.until(d -> {
            d.findElement(group).findElement(By.cssSelector("button.show")).click();
            return true;
        });
        By entry = By.xpath("//table[@id='entries']//tr[td[4][text()='" + key + "']]");
        wait.until(d -> {
            d.findElement(entry).findElement(By.cssSelector("button.open")).click();
            return true;
        });
        wait.until(ExpectedConditions.textToBe(By.id("entry-reason"), "unmapped"));
        assertThat(browser.findElement(By.id("entry-detail")).getText()).contains("cart.abandoned");
        assertThat(browser.findElement(By.id("entry-payload")).getText()).contains("\"event_uuid\": \"" + id + "\"");
        screenshot("quarantine");

        // Try a fix in the playground on the quarantined payload itself, then make it live.
        String fixed = """
                { "type": kind = "cart.abandoned" ? "contact.updated", "providerevent": kind, "id": event_uuid,
                  "time": at, "data": { "contact": { "id": $string(customer.number), "email": customer.mail } } }
                """;
        browser.findElement(By.id("to-playground")).click();
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "quarantined"));
        assertThat(browser.findElement(By.id("reason")).getText()).startsWith("unmapped").contains("cart.abandoned");
        WebElement mapping = browser.findElement(By.id("mapping"));
        mapping.clear();
        mapping.sendKeys(fixed);
        browser.findElement(By.id("try")).click();
        wait.until(ExpectedConditions.textToBe(By.id("outcome"), "a canonical event"));
        assertThat(browser.findElement(By.id("result")).getText()).contains("\"type\": \"contact.updated\"", id);
        assertThat(browser.findElement(By.id("edited")).getText()).contains("not live");
        screenshot("playground");

        // Load it as a candidate, see in a shadow run over the kept payloads that it releases this one, promote it.
        browser.findElement(By.id("actor")).sendKeys("carol");
        browser.findElement(By.id("propose")).click();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-versioned", "1"));
        assertThat(browser.findElement(By.id("candidate-line")).getText()).startsWith("Candidate ");
        browser.findElement(By.id("shadow")).click();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-shadowed", "1"));
        assertThat(browser.findElement(By.id("shadow-examples")).getText()).contains("released", "/api/v1/quarantine/" + key);
        screenshot("playground-shadow");
        browser.findElement(By.id("promote")).click();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-versioned", "2"));
        assertThat(browser.findElement(By.id("changes")).getText()).contains("promote", "carol (console)");
        assertThat(browser.findElement(By.id("edited")).getText()).isEqualTo("(live)");
        screenshot("playground-promoted");

        browser.findElement(By.linkText("Quarantine")).click();
        loaded(wait);
        wait.until(d -> {
            d.findElement(group).findElement(By.cssSelector("button.replay-all")).click();
            return true;
        });
        wait.until(ExpectedConditions.attributeToBe(By.id("replay-progress"), "data-done", "true"));
        WebElement result = browser.findElement(By.xpath("//table[@id='replay']//tr[td[1][text()='" + key + "']]"));
        assertThat(result.getText()).contains("accepted");
        screenshot("quarantine-replayed");
        assertThat(api.get("/api/v1/events/" + key, "Authorization", "Bearer " + TOKEN).json().at("/event/type").asText())
                .isEqualTo("contact.updated");
        assertThat(api.get("/api/v1/quarantine/" + key, "Authorization", "Bearer " + TOKEN).status()).isEqualTo(404);

        // The kept payloads through the live mapping again, as a dry run: the replayed event is as the mapping makes it now.
        browser.get(url("/console/playground.html?provider=acme"));
        loaded(wait);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("live-version"), "live "));
        browser.findElement(By.id("replay-start")).click();
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-replayed", "done"));
        assertThat(browser.findElement(By.id("replay-status")).getText()).startsWith("Dry run done: ").contains(" 0 would be revised");
        screenshot("playground-replay");
    }

    @Test
    void createASubscriptionWatchItFailThenResumeItAndReplayItsDeadLetters() throws Exception {
        WebhookClient api = new WebhookClient(port);
        String tenant = "t-" + UUID.randomUUID();
        try (TestReceiver subscriber = new TestReceiver().answering(n -> TestReceiver.Reply.of(500))) {
            WebDriverWait wait = logInAndOpen("Subscriptions");

            browser.findElement(By.id("new")).click();
            WebElement form = browser.findElement(By.id("subscription-form"));
            form.findElement(By.name("url")).sendKeys(subscriber.url());
            form.findElement(By.name("tenants")).sendKeys(tenant);
            form.findElement(By.name("filter")).sendKeys("data.link.url = 'https://nowhere.example'");
            browser.findElement(By.id("check-event")).sendKeys("{\"type\": \"message.clicked\", \"tenant\": \"" + tenant
                    + "\", \"data\": {\"link\": {\"url\": \"https://example.com\"}}}");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("check"), "the filter gives false"));
            form.findElement(By.name("filter")).clear();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("check"), "Gets this event."));
            screenshot("subscription-editor");
            browser.findElement(By.id("save")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("secret-box")));
            assertThat(browser.findElement(By.id("secret")).getText()).startsWith("whsec_");
            String subscription = browser.findElement(By.id("secret-of")).getText();

            // The subscriber fails: the first event's retries run out (a dead letter), and two failures in a
            // row pause the subscription, so the second event is held.
            String first = api.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"contact_1\",\"created_at\":1654703617}").json().get("key").asText();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> api.get("/api/v1/subscriptions/" + subscription,
                    "Authorization", "Bearer " + TOKEN).json().at("/health/deadLetters").asInt() == 1);
            String second = api.post("/webhooks/mailstand/demo", "{\"id\":\"evt_" + UUID.randomUUID() + "\",\"type\":\"click\",\"workspace_id\":\""
                    + tenant + "\",\"to\":\"contact_1\",\"created_at\":1654703617}").json().get("key").asText();

            browser.navigate().refresh();
            loaded(wait);
            By row = By.xpath("//table[@id='subscriptions']//tr[td[1][text()='" + subscription + "']]");
            wait.until(d -> d.findElement(row).getText().contains("paused (failing)"));
            assertThat(browser.findElement(row).findElements(By.tagName("td")).get(6).getText()).as("held").isEqualTo("1");
            assertThat(browser.findElement(row).findElements(By.tagName("td")).get(7).getText()).as("dead letters").isEqualTo("1");
            browser.findElement(row).findElement(By.cssSelector("button.dead")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText(first)));
            screenshot("subscriptions");

            subscriber.answering(n -> TestReceiver.Reply.of(204));
            browser.findElement(By.id("resume-replay")).click();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> subscriber.received().stream()
                    .map(r -> r.header("webhook-id")).filter(id -> id.equals(first) || id.equals(second)).distinct().count() == 2);
            wait.until(d -> d.findElement(row).getText().contains("active"));
            wait.until(d -> d.findElements(By.cssSelector("#dead-letters tbody tr")).isEmpty());
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> api.get("/api/v1/subscriptions/" + subscription,
                    "Authorization", "Bearer " + TOKEN).json().at("/health/succeeded").asInt() == 2);
            browser.navigate().refresh();
            loaded(wait);
            assertThat(browser.findElement(row).findElements(By.tagName("td")).get(4).getText()).isEqualTo("100 % of 2");
            assertThat(browser.findElement(row).findElements(By.tagName("td")).get(7).getText()).as("dead letters").isEqualTo("0");
        }
    }

    @Test
    void thePlaygroundComparesASampleWithItsExpectedFile() throws Exception {
        WebDriverWait wait = logInAndOpen(null);
        browser.get(url("/console/playground.html?provider=mailstand"));
        loaded(wait);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("sample"))).selectByValue("click");
        wait.until(ExpectedConditions.textToBe(By.id("as-expected"), "none: as expected"));
        WebElement mapping = browser.findElement(By.id("mapping"));
        mapping.sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"), org.openqa.selenium.Keys.DELETE);
        mapping.sendKeys("{ \"type\": \"message.clicked\", \"providerevent\": type, \"id\": id, \"time\": created_at, "
                + "\"tenant\": workspace_id, \"data\": { \"channel\": \"email\", \"contact\": { \"id\": to } } }");
        browser.findElement(By.id("try")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("as-expected"), "field(s)"));
        assertThat(browser.findElement(By.id("differences")).getText()).contains("/data/contact/email", "jane@example.com", "(absent)");
        screenshot("playground-differences");
    }
}
