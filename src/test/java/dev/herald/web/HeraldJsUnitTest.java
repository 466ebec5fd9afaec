package dev.herald.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs herald.js's unit tests ({@code src/test/js/*.test.mjs}, node's own test runner: fake WebSocket,
 * EventSource, fetch and clock, no network) as part of the build, and fails with node's report when they fail.
 * Needs Node.js 18 or newer on the PATH (Debian 12's 18.20 and 20.x run them); {@code -Dherald.node-tests.skip=true}
 * skips them.
 */
class HeraldJsUnitTest {

    private static final Path TESTS = Path.of("src/test/js");
    private static final Pattern VERSION = Pattern.compile("v(\\d+)\\.");

    @Test
    void nodeUnitTestsOfHeraldJsPass() throws Exception {
        Assumptions.assumeFalse(Boolean.getBoolean("herald.node-tests.skip"),
                "herald.js unit tests skipped (-Dherald.node-tests.skip=true)");
        String node = node();
        List<String> files;
        try (Stream<Path> listing = Files.list(TESTS)) {
            files = listing.map(Path::toString).filter(name -> name.endsWith(".test.mjs")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no *.test.mjs under " + TESTS.toAbsolutePath());

        // The files by name: `node --test <directory>` means different things across node versions.
        List<String> command = new ArrayList<>(List.of(node, "--test"));
        command.addAll(files);
        Run run = run(command, 180);
        assertTrue(run.finished, "node --test did not finish within 180 s:\n" + run.output);
        assertEquals(0, run.exitCode, "herald.js unit tests failed (" + String.join(" ", command) + "):\n" + run.output);
    }

    /** {@code node} (or Debian's older name {@code nodejs}) from the PATH, 18 or newer; else a failure saying how to get it. */
    private static String node() throws Exception {
        for (String name : List.of("node", "nodejs")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    checkVersion(candidate.toString());
                    return candidate.toString();
                }
            }
        }
        throw new AssertionError("No Node.js on the PATH: herald.js's unit tests run in node's own test runner. "
                + "Install it (Debian: sudo apt-get install -y nodejs), or skip these tests with "
                + "-Dherald.node-tests.skip=true");
    }

    private static void checkVersion(String node) throws Exception {
        Run version = run(List.of(node, "--version"), 30);
        Matcher matcher = VERSION.matcher(version.output);
        if (!matcher.find()) {
            throw new AssertionError(node + " --version said: " + version.output);
        }
        if (Integer.parseInt(matcher.group(1)) < 18) {
            throw new AssertionError(node + " is " + version.output.strip() + "; herald.js's unit tests need node 18 "
                    + "or newer (node:test with describe and mock). Install a newer one (Debian 12: sudo apt-get install "
                    + "-y nodejs), or skip these tests with -Dherald.node-tests.skip=true");
        }
    }

    private record Run(boolean finished, int exitCode, String output) {
    }

    private static Run run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("herald-node", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            return new Run(finished, finished ? process.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
