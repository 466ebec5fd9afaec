package dev.herald.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

/** Debian's Chromium for the browser tests, or a clear failure saying how to get it (unless they are skipped). */
public final class Chromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private Chromium() {
    }

    /** The browser's path; skips the test when {@code -Dherald.browser-tests.skip=true} and none is found. */
    public static Path path() {
        String configured = System.getProperty("herald.chromium");
        for (String candidate : configured != null ? List.of(configured) : CANDIDATES) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        Assumptions.assumeFalse(Boolean.getBoolean("herald.browser-tests.skip"),
                "browser tests skipped (-Dherald.browser-tests.skip=true)");
        throw new IllegalStateException("No Chromium found at " + CANDIDATES + ". Install Debian's: "
                + "sudo apt-get install -y --no-install-recommends chromium (or point -Dherald.chromium=/path at one), "
                + "or skip the browser tests with -Dherald.browser-tests.skip=true");
    }

    /** Playwright without its own browser download. */
    public static Playwright playwright() {
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /** Headless Chromium from {@code path}, quiet (no background networking). */
    public static Browser launch(Playwright playwright, Path path) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(path)
                .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }
}
