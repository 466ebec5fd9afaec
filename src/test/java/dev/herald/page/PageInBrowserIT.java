package dev.herald.page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

import dev.herald.support.Chromium;
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

    private ServerProcess server;
    private Playwright playwright;
    private Browser browser;
    private Page alice;
    private Page bob;

    @BeforeAll
    void start() {
        Path chromium = Chromium.path();
        // The production profile, so authentication and the Origin check are on; dev tokens let the page log in.
        server = new ServerProcess("page-it", List.of("-Dherald.tasks.demo-step=50ms",
                "-Dherald.auth.secret=page-test-secret-0123456789abcdef-01234567", "-Dherald.auth.dev-tokens=true"))
                .start();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright, chromium);
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        alice = connect(browser.newContext(), "alice");
        bob = connect(browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)), "bob");
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
        List<String> listReads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.function.Consumer<com.microsoft.playwright.Request> reads = request -> {
            if ("GET".equals(request.method()) && request.url().contains("/api/messages")) {
                listReads.add(request.url());
            }
        };
        alice.onRequest(reads);
        alice.locator("#sched-target").selectOption("user");
        alice.locator("#sched-to").fill("bob");
        alice.locator("#sched-text").fill("two seconds later");
        alice.locator("#sched-delay").fill("2");
        alice.locator("#sched-submit").click();
        assertThat(alice.locator("#sched-pending")).containsText("two seconds later");
        assertThat(bob.locator("#dm-messages")).containsText("two seconds later");
        assertThat(alice.locator("#sched-pending")).not().containsText("two seconds later");
        // Pushed, not polled: the list changed twice without being read again.
        alice.offRequest(reads);
        org.assertj.core.api.Assertions.assertThat(listReads).isEmpty();
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

    @Test
    @Order(7)
    void thePageWorksOverServerSentEventsWhereWebSocketIsMissing() {
        BrowserContext context = browser.newContext();
        context.addInitScript("delete window.WebSocket");
        Page carol = connect(context, "carol");
        assertThat(carol.locator("#state")).hasAttribute("data-transport", "sse");
        assertThat(carol.locator("#transport")).hasText("sse");
        assertThat(carol.locator("#online")).containsText("alice");

        carol.locator("#dm-to").fill("alice");
        carol.locator("#dm-text").fill("carol over sse");
        carol.locator("#dm-send").click();
        assertThat(alice.locator("#dm-messages")).containsText("carol over sse");
        assertThat(carol.locator("#dm-status")).containsText("Sent");
        alice.locator("#dm-to").fill("carol");
        alice.locator("#dm-text").fill("alice to carol");
        alice.locator("#dm-send").click();
        assertThat(carol.locator("#dm-messages")).containsText("alice to carol");

        // The pending list follows the pushed scheduled frames over the event stream too.
        carol.locator("#sched-target").selectOption("user");
        carol.locator("#sched-to").fill("alice");
        carol.locator("#sched-text").fill("one second later, over sse");
        carol.locator("#sched-delay").fill("1");
        carol.locator("#sched-submit").click();
        assertThat(carol.locator("#sched-pending")).containsText("one second later, over sse");
        assertThat(alice.locator("#dm-messages")).containsText("one second later, over sse");
        assertThat(carol.locator("#sched-pending")).not().containsText("one second later, over sse");
        assertThat(carol.locator("#sched-count")).hasText("0");
        carol.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "page-carol-sse.png")).setFullPage(true));
        context.close();
    }

    /**
     * Read cursors on the page (issue 16): a phone-sized tab, whose direct messages are below the fold, shows the
     * unread count; a desktop tab of the same user has them on screen and so reads them, and the phone's badge
     * clears; a new device starts after the read cursor and gets only what is unread; "mark all read" there clears
     * the phone again; the sender's page shows the receipt.
     */
    @Test
    @Order(8)
    void whatOneTabReadsIsReadOnEveryTabAndANewDeviceGetsOnlyTheUnread() throws Exception {
        Browser.NewContextOptions phoneSize = new Browser.NewContextOptions().setViewportSize(390, 300);
        BrowserContext phone = browser.newContext(phoneSize);
        Page dora = connect(phone, "dora");
        Page erin = connect(browser.newContext(), "erin");
        sendDirect(erin, "dora", "unread one");
        sendDirect(erin, "dora", "unread two");
        assertThat(dora.getByTestId("unread-dm")).hasText("2");
        assertThat(dora.getByTestId("unread-dm-erin")).containsText("2");
        assertThat(dora.locator("#unread-total")).hasText("2");

        BrowserContext desk = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 1600));
        Page doraAtHerDesk = connect(desk, "dora");
        assertThat(doraAtHerDesk.locator("#dm-messages")).containsText("unread two");
        assertThat(dora.getByTestId("unread-dm")).isHidden();
        assertThat(dora.locator("#unread-total")).isHidden();
        assertThat(dora.locator("#dm-messages li.msg.unread")).hasCount(0);
        // The sender sees that both were read.
        assertThat(erin.locator("#dm-messages [data-testid^=read-by-]")).hasCount(2);
        assertThat(erin.locator("#dm-messages")).containsText("read by dora");
        long readUpTo = new io.vertx.core.json.JsonObject(get("api/users/dora/cursor", devToken("dora")))
                .getLong("readUpTo");
        org.assertj.core.api.Assertions.assertThat(readUpTo).isPositive();
        desk.close();

        sendDirect(erin, "dora", "unread three");
        sendDirect(erin, "dora", "unread four");
        assertThat(dora.getByTestId("unread-dm")).hasText("2");

        BrowserContext tablet = browser.newContext(phoneSize);
        Page doraOnHerTablet = connect(tablet, "dora");
        assertThat(doraOnHerTablet.locator("#dm-messages li.msg")).hasCount(2);
        assertThat(doraOnHerTablet.locator("#dm-messages")).containsText("unread three");
        assertThat(doraOnHerTablet.locator("#dm-messages")).containsText("unread four");
        assertThat(doraOnHerTablet.locator("#dm-messages")).not().containsText("unread one");
        assertThat(doraOnHerTablet.getByTestId("unread-dm")).hasText("2");
        Files.createDirectories(Path.of("target"));
        dora.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "page-unread-phone.png")).setFullPage(true));

        doraOnHerTablet.locator("#mark-read").click();
        assertThat(doraOnHerTablet.getByTestId("unread-dm")).isHidden();
        assertThat(dora.getByTestId("unread-dm")).isHidden();
        assertThat(erin.locator("#dm-messages [data-testid^=read-by-]")).hasCount(4);
        tablet.close();
        phone.close();
        erin.context().close();
    }

    private static void sendDirect(Page from, String to, String text) {
        from.locator("#dm-to").fill(to);
        from.locator("#dm-text").fill(text);
        from.locator("#dm-send").click();
        assertThat(from.locator("#dm-messages")).containsText(text);
    }

    private String devToken(String user) throws Exception {
        return new io.vertx.core.json.JsonObject(get("api/dev/token?user=" + user, null)).getString("token");
    }

    private String get(String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.base().resolve(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
        org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
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
