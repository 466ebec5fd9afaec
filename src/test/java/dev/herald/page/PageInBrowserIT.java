package dev.herald.page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

import dev.herald.support.ServerProcess;

/**
 * The page in a real headless Chromium (Debian's), against Herald running as its own process in the production
 * profile (tokens and Origin check on): two users in two browser contexts, broadcast, a scheduled message, the
 * demo task, a reload, and a server restart. Set
 * {@code -Dherald.browser-tests.skip=true} to skip where no Chromium can be installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PageInBrowserIT {

    private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private ServerProcess server;
    private Playwright playwright;
    private Browser browser;
    private Page alice;
    private Page bob;

    @BeforeAll
    void start() {
        Path chromium = chromium();
        // The production profile, so authentication and the Origin check are on; dev tokens let the page log in.
        server = new ServerProcess("page-it", List.of("-Dherald.tasks.demo-step=50ms",
                "-Dherald.auth.secret=page-test-secret-0123456789abcdef-01234567", "-Dherald.auth.dev-tokens=true"))
                .start();
        playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        alice = connect(browser.newContext(), "alice");
        bob = connect(browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)), "bob");
    }

    /** Debian's Chromium, or a clear failure saying how to get it (unless the browser tests are skipped). */
    private static Path chromium() {
        String configured = System.getProperty("herald.chromium");
        for (String candidate : configured != null ? List.of(configured) : CHROMIUM) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        Assumptions.assumeFalse(Boolean.getBoolean("herald.browser-tests.skip"),
                "browser tests skipped (-Dherald.browser-tests.skip=true)");
        throw new IllegalStateException("No Chromium found at " + CHROMIUM + ". Install Debian's: "
                + "sudo apt-get install -y --no-install-recommends chromium (or point -Dherald.chromium=/path at one), "
                + "or skip the browser tests with -Dherald.browser-tests.skip=true");
    }

    private Page connect(BrowserContext context, String user) {
        Page page = context.newPage();
        page.navigate(server.base().toString());
        page.locator("#user").fill(user);
        page.locator("#connect").click();
        assertThat(page.locator("#state")).hasAttribute("data-state", "OPEN");
        return page;
    }

    @Test
    @Order(1)
    void twoUsersExchangeADirectMessage() {
        assertThat(alice.locator("#online")).containsText("bob");
        alice.locator("#dm-to").fill("bob");
        alice.locator("#dm-text").fill("hello bob, from alice");
        alice.locator("#dm-send").click();
        assertThat(bob.locator("#dm-messages")).containsText("hello bob, from alice");
        assertThat(alice.locator("#dm-messages")).containsText("hello bob, from alice");

        bob.locator("#dm-to").fill("alice");
        bob.locator("#dm-text").fill("hi alice");
        bob.locator("#dm-send").click();
        assertThat(alice.locator("#dm-messages")).containsText("hi alice");
    }

    @Test
    @Order(2)
    void broadcastReachesBoth() {
        bob.locator("#lobby-text").fill("lobby news for everyone");
        bob.locator("#lobby-send").click();
        assertThat(alice.locator("#lobby-messages")).containsText("lobby news for everyone");
        assertThat(bob.locator("#lobby-messages")).containsText("lobby news for everyone");
    }

    @Test
    @Order(3)
    void messageScheduledTwoSecondsAheadAppears() {
        alice.locator("#sched-target").selectOption("user");
        alice.locator("#sched-to").fill("bob");
        alice.locator("#sched-text").fill("two seconds later");
        alice.locator("#sched-delay").fill("2");
        alice.locator("#sched-submit").click();
        assertThat(alice.locator("#sched-pending")).containsText("two seconds later");
        assertThat(bob.locator("#dm-messages")).containsText("two seconds later");
        assertThat(alice.locator("#sched-pending")).not().containsText("two seconds later");
    }

    @Test
    @Order(4)
    void demoTaskReaches100Percent() {
        alice.locator("#demo-hosts").fill("3");
        alice.locator("#demo-start").click();
        var bar = alice.locator("#tasks progress").first();
        assertThat(bar).hasAttribute("data-percent", "100");
        assertThat(alice.locator("#tasks")).containsText("succeeded");
    }

    @Test
    @Order(5)
    void reloadingKeepsWhatWasReceived() {
        bob.reload();
        assertThat(bob.locator("#state")).hasAttribute("data-state", "OPEN");
        assertThat(bob.locator("#dm-messages")).containsText("hello bob, from alice");
        assertThat(bob.locator("#dm-messages")).containsText("two seconds later");
        assertThat(bob.locator("#lobby-messages")).containsText("lobby news for everyone");

        alice.reload();
        assertThat(alice.locator("#state")).hasAttribute("data-state", "OPEN");
        assertThat(alice.locator("#tasks progress").first()).hasAttribute("data-percent", "100");
    }

    @Test
    @Order(6)
    void pageReconnectsAndResumesAfterAServerRestart() throws Exception {
        server.stop();
        assertThat(bob.locator("#state")).not().hasAttribute("data-state", "OPEN");
        server.start();
        assertThat(bob.locator("#state")).hasAttribute("data-state", "OPEN");
        assertThat(alice.locator("#state")).hasAttribute("data-state", "OPEN");

        HttpClient http = HttpClient.newHttpClient();
        String tokenJson = http.send(HttpRequest.newBuilder(server.base().resolve("api/dev/token?user=backend")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String token = new io.vertx.core.json.JsonObject(tokenJson).getString("token");
        HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(
                server.base().resolve("api/messages")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"bob\",\"text\":\"after the restart\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        org.assertj.core.api.Assertions.assertThat(pushed.statusCode()).isEqualTo(201);
        assertThat(bob.locator("#dm-messages")).containsText("after the restart");
        assertThat(bob.locator("#dm-messages")).containsText("hello bob, from alice");

        Files.createDirectories(Path.of("target"));
        bob.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "page-bob.png")).setFullPage(true));
        alice.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "page-alice.png")).setFullPage(true));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (server != null) {
            server.close();
        }
    }

}
