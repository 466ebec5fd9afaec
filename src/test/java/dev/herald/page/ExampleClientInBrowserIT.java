package dev.herald.page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;

import dev.herald.support.Chromium;
import dev.herald.support.ServerProcess;

/**
 * herald.js as a site would use it: the README's example page (src/test/resources/example), served by a static
 * server on another origin than Herald (so the module, the event stream and the POSTs cross origins under CORS),
 * in Debian's Chromium, against Herald as its own process in the production profile (tokens and the Origin check
 * on). Over WebSocket; over Server-Sent Events in a browser whose WebSocket was removed; across a server restart;
 * and a send the frozen server never answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExampleClientInBrowserIT {

    private HttpServer site;
    private String siteOrigin;
    private ServerProcess server;
    private Playwright playwright;
    private Browser browser;
    private Page alice;
    private Page bob;
    private Page carol;

    @BeforeAll
    void start() {
        Path chromium = Chromium.path();
        site = SimpleFileServer.createFileServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Path.of("src/test/resources/example").toAbsolutePath(), SimpleFileServer.OutputLevel.NONE);
        site.start();
        siteOrigin = "http://localhost:" + site.getAddress().getPort();
        server = new ServerProcess("example-it", List.of("-Dherald.auth.secret=example-test-secret-0123456789abcdef-0123",
                "-Dherald.auth.dev-tokens=true", "-Dherald.origins=" + siteOrigin + ",self")).start();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright, chromium);
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
    }

    private String exampleUrl(String user, String extra) {
        String herald = server.base().toString().replaceAll("/$", "");
        return siteOrigin + "/index.html?user=" + user + "&herald=" + herald + extra;
    }

    /** The example page for {@code user}; {@code withoutWebSocket} removes WebSocket before any script runs. */
    private Page open(String user, boolean withoutWebSocket, String extra) {
        BrowserContext context = browser.newContext();
        if (withoutWebSocket) {
            context.addInitScript("delete window.WebSocket");
        }
        Page page = context.newPage();
        page.navigate(exampleUrl(user, extra));
        return page;
    }

    private static void send(Page from, String to, String text) {
        from.locator("#to").fill(to);
        from.locator("#text").fill(text);
        from.locator("button").click();
        assertThat(from.locator("#text")).hasValue(""); // cleared once the server acknowledged it
    }

    private static int count(Page page, String line) {
        return page.locator("#log li", new Page.LocatorOptions().setHasText(line)).count();
    }

    @Test
    @Order(1)
    void twoPagesExchangeMessagesOverWebSocket() {
        alice = open("alice", false, "");
        bob = open("bob", false, "");
        assertThat(alice).hasTitle("open (websocket)");
        assertThat(bob).hasTitle("open (websocket)");
        send(alice, "bob", "hello bob");
        assertThat(bob.locator("#log")).containsText("alice: hello bob");
        send(bob, "alice", "hi alice");
        assertThat(alice.locator("#log")).containsText("bob: hi alice");
        // Every tab of the sender gets its own copy, exactly once.
        assertThat(alice.locator("#log li", new Page.LocatorOptions().setHasText("alice: hello bob"))).hasCount(1);
    }

    @Test
    @Order(2)
    void withoutWebSocketThePageWorksOverServerSentEventsAndResumesAfterAReload() throws IOException {
        carol = open("carol", true, "");
        assertThat(carol).hasTitle("open (sse)");
        send(carol, "alice", "carol here, over sse"); // a POST /api/frames, answered by its ack
        assertThat(alice.locator("#log")).containsText("carol: carol here, over sse");
        send(alice, "carol", "to carol, before the reload");
        assertThat(carol.locator("#log")).containsText("alice: to carol, before the reload");

        // A reload resumes after the last id it saw: what it had is not handed over again.
        carol.reload();
        assertThat(carol).hasTitle("open (sse)");
        send(alice, "carol", "after the reload");
        assertThat(carol.locator("#log")).containsText("alice: after the reload");
        assertThat(count(carol, "before the reload")).isZero();

        // Away (the stream ends with the page) and back: what was sent meanwhile arrives once, nothing twice.
        carol.navigate("about:blank");
        send(alice, "carol", "while carol was away");
        carol.navigate(exampleUrl("carol", ""));
        assertThat(carol).hasTitle("open (sse)");
        assertThat(carol.locator("#log")).containsText("alice: while carol was away");
        assertThat(carol.locator("#log li")).hasCount(1);
        Files.createDirectories(Path.of("target"));
        carol.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "example-carol-sse.png")));
    }

    @Test
    @Order(3)
    void aSendTheServerNeverAnswersRejectsAfterItsTimeout() throws Exception {
        Page dave = open("dave", false, "&timeout=1500");
        assertThat(dave).hasTitle("open (websocket)");
        CompletableFuture<String> alert = new CompletableFuture<>();
        dave.onDialog(dialog -> {
            alert.complete(dialog.message());
            dialog.dismiss();
        });
        signal("-STOP"); // the server is frozen: the socket stays open, nothing is answered
        try {
            dave.locator("#to").fill("alice");
            dave.locator("#text").fill("into the void");
            dave.locator("button").click();
            // Playwright delivers the dialog event while the test waits through it.
            dave.waitForCondition(alert::isDone, new Page.WaitForConditionOptions().setTimeout(15_000));
            assertThat(alert.get()).isEqualTo("timeout: no answer within 1500 ms");
            assertThat(dave.locator("#text")).hasValue("into the void"); // not sent as far as the page knows
        } finally {
            signal("-CONT");
        }
        dave.context().close();
    }

    @Test
    @Order(4)
    void afterAServerRestartBothTransportsReconnectAndGoOn() throws IOException {
        server.stop();
        assertThat(alice).not().hasTitle(Pattern.compile("^open"));
        assertThat(carol).not().hasTitle(Pattern.compile("^open"));
        server.start();
        assertThat(alice).hasTitle(Pattern.compile("^open"));
        assertThat(carol).hasTitle("open (sse)");

        send(alice, "carol", "after the restart");
        assertThat(carol.locator("#log")).containsText("alice: after the restart");
        send(carol, "alice", "carol after the restart");
        assertThat(alice.locator("#log")).containsText("carol: carol after the restart");
        assertThat(count(alice, "hello bob")).isEqualTo(1);
        assertThat(count(carol, "while carol was away")).isEqualTo(1);
        alice.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "example-alice.png")));
        carol.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "example-carol-after-restart.png")));
    }

    private void signal(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(server.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
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
        if (site != null) {
            site.stop(0);
        }
    }
}
