package dev.herald.page;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

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
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

import dev.herald.support.Chromium;
import dev.herald.support.ServerProcess;

/**
 * The support desk in Chromium against Herald in the production profile (tokens on): the widget on a page (phone
 * width) and two agents' consoles. Queued then assigned, balanced assignment, reply, reload, transfer with history,
 * unread counts, close, and an agent who leaves. Screenshots of the widget and the console go to {@code target/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeskInBrowserIT {

    private ServerProcess server;
    private Playwright playwright;
    private Browser browser;
    private Page visitor, second, ann, ben;

    @BeforeAll
    void start() {
        Path chromium = Chromium.path();
        server = new ServerProcess("desk-it", List.of("-Dherald.auth.secret=desk-test-secret-0123456789abcdef-0123456",
                "-Dherald.auth.dev-tokens=true", "-Dherald.desk.agents=ann,ben", "-Dherald.desk.grace=2s")).start();
        playwright = Chromium.playwright();
        browser = Chromium.launch(playwright, chromium);
        PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
        visitor = phone().newPage();
        visitor.navigate(server.base().resolve("/desk/demo.html").toString());
    }

    private BrowserContext phone() {
        return browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
    }

    private Page console(String agent) {
        Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1100, 700)).newPage();
        page.navigate(server.base().resolve("/desk/console.html?agent=" + agent).toString());
        assertThat(page.locator("#state")).hasAttribute("data-state", "open");
        assertThat(page.locator("#agents li[data-agent=" + agent + "]")).hasCount(1);
        return page;
    }

    private static Locator log(Page widgetPage) {
        return widgetPage.locator("#herald-desk .log");
    }

    private static void write(Page widgetPage, String text) {
        widgetPage.locator("#herald-desk input").fill(text);
        widgetPage.locator("#herald-desk button.send").click();
    }

    private static String visitorId(Page widgetPage) {
        return (String) widgetPage.evaluate("() => JSON.parse(Object.entries(localStorage)"
                + ".find(([k]) => k.startsWith('herald-desk:'))[1]).visitor");
    }

    @Test
    @Order(1)
    void withNoAgentOnlineTheVisitorLeavesAMessageThatTheFirstAgentGets() {
        visitor.locator("#herald-desk .bubble").click();
        write(visitor, "my parcel never arrived");
        assertThat(log(visitor)).containsText("No agent is online");
        assertThat(log(visitor)).containsText("my parcel never arrived");

        ann = console("ann");
        assertThat(ann.locator("#mine li")).hasCount(1);
        assertThat(ann.locator("#log")).containsText("my parcel never arrived");
        assertThat(log(visitor)).containsText("ann joined the conversation");
        assertThat(visitor.locator("#herald-desk .status")).hasText("You are talking to ann");
    }

    @Test
    @Order(2)
    void aNewConversationGoesToTheAgentWithFewerOpen() {
        ben = console("ben");
        second = phone().newPage();
        second.navigate(server.base().resolve("/desk/demo.html").toString());
        second.locator("#herald-desk .bubble").click();
        write(second, "question two");
        assertThat(second.locator("#herald-desk .status")).hasText("You are talking to ben");
        assertThat(ben.locator("#mine li")).hasCount(1);
        assertThat(ann.locator("#mine li")).hasCount(1);
        assertThat(ann.locator("#agents li[data-agent=ben]")).containsText("1 open");
        assertThat(ben.locator("#queue li")).hasCount(0);
    }

    @Test
    @Order(3)
    void theVisitorReloadsAndKeepsTheWholeConversation() {
        ann.locator("#text").fill("we are on it");
        ann.locator("#reply button").click();
        assertThat(log(visitor)).containsText("we are on it");
        visitor.reload();
        assertThat(log(visitor)).containsText("my parcel never arrived");
        assertThat(log(visitor)).containsText("ann joined the conversation");
        assertThat(log(visitor)).containsText("we are on it");
        assertThat(log(visitor).locator("li")).hasCount(4); // queued, the line, joined, the reply: each once
        write(visitor, "after the reload");
        assertThat(ann.locator("#log")).containsText("after the reload");
        visitor.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "desk-widget.png")));
    }

    @Test
    @Order(4)
    void anAgentTransfersAndTheOtherGetsTheHistoryAndCountsUnread() {
        ann.locator("#transfer-to").selectOption("ben");
        ann.locator("#transfer").click();
        assertThat(ann.locator("#mine li")).hasCount(0);
        assertThat(ben.locator("#mine li")).hasCount(2);
        assertThat(log(visitor)).containsText("ben joined the conversation");

        // ben looks at the second visitor's conversation; a line from the first counts as unread.
        String first = visitorId(visitor), other = visitorId(second);
        ben.locator("#mine li", new Page.LocatorOptions().setHasText(other)).click();
        write(visitor, "hello ben?");
        assertThat(ben.locator("#mine li", new Page.LocatorOptions().setHasText(first)).locator(".unread")).hasText("1");
        ben.locator("#mine li", new Page.LocatorOptions().setHasText(first)).click();
        assertThat(ben.locator("#mine li", new Page.LocatorOptions().setHasText(first)).locator(".unread")).hasText("");
        assertThat(ben.locator("#log")).containsText("my parcel never arrived");
        assertThat(ben.locator("#log")).containsText("we are on it");
        assertThat(ben.locator("#log")).containsText("hello ben?");
        ben.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "desk-console.png")));
    }

    @Test
    @Order(5)
    void theAgentClosesAndTheVisitorIsTold() {
        ben.locator("#close").click();
        assertThat(log(visitor)).containsText("The conversation was closed");
        assertThat(ben.locator("#mine li")).hasCount(1);
    }

    @Test
    @Order(6)
    void anAgentWhoLeavesHasTheirConversationReassigned() {
        ben.context().close();
        assertThat(ann.locator("#mine li")).hasCount(1);
        assertThat(ann.locator("#log")).containsText("question two");
        assertThat(log(second)).containsText("ben left the conversation");
        assertThat(log(second)).containsText("ann joined the conversation");
        assertThat(ann.locator("#agents li")).hasCount(1);

        Page phoneConsole = phone().newPage();
        phoneConsole.navigate(server.base().resolve("/desk/console.html?agent=ann").toString());
        assertThat(phoneConsole.locator("#mine li")).hasCount(1);
        phoneConsole.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target", "desk-console-phone.png"))
                .setFullPage(true));
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (playwright != null) {
                playwright.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }
}
