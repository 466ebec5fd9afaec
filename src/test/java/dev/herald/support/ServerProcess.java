package dev.herald.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;

/**
 * Herald as a separate process — the packaged jar, or the native executable when the build made one — so a
 * test can stop and restart it on the same port as an operator would. The packaged build serves /q/health and
 * /q/metrics on Quarkus' management interface, which gets its own free port here ({@link #managementBase()}).
 */
public final class ServerProcess implements AutoCloseable {

    private final int port;
    private final int managementPort;
    private final List<String> extraArgs;
    private final Path log;
    private int fileLimit;
    private Process process;

    public ServerProcess(String name, List<String> extraArgs) {
        this.port = freePort();
        this.managementPort = freePort();
        this.extraArgs = extraArgs;
        this.log = Path.of("target", name + "-server.log");
        try {
            Files.deleteIfExists(log); // output() is this object's runs only, not an earlier build's
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the server with at most {@code n} open file descriptors (prlimit), so a probe can exhaust them cheaply. */
    public ServerProcess withFileLimit(int n) {
        this.fileLimit = n;
        return this;
    }

    /** The server's process id, to read its memory from {@code /proc}. */
    public long pid() {
        return process.pid();
    }

    /** The server's resident memory (VmRSS) in KiB, from {@code /proc/<pid>/status}. */
    public long rssKib() {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
                    .findFirst().orElseThrow();
        } catch (IOException e) {
            throw new IllegalStateException("no /proc status for " + pid(), e);
        }
    }

    /** Everything the server logged so far. */
    public List<String> logLines() {
        try {
            return Files.readAllLines(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    /** Where the server's output goes (appended to across runs). */
    public Path log() {
        return log;
    }

    public URI base() {
        return URI.create("http://localhost:" + port + "/");
    }

    /** Where /q/health and /q/metrics answer: the management interface of the packaged build. */
    public URI managementBase() {
        return URI.create("http://localhost:" + managementPort + "/");
    }

    /** Starts the server and waits until it is live (/q/health/live, open without a token). */
    public ServerProcess start() {
        launch();
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("server exited; see " + log);
            }
            return http.send(HttpRequest.newBuilder(managementBase().resolve("q/health/live")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return this;
    }

    /** Starts a server that should refuse to start: waits for it to exit and returns its exit code. */
    public int startExpectingExit() {
        launch();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("server did not exit within 30 s; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return process.exitValue();
    }

    /** Everything the server wrote to stdout and stderr so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void launch() {
        List<String> command = new ArrayList<>();
        if (fileLimit > 0) {
            command.addAll(List.of("prlimit", "--nofile=" + fileLimit + ":" + fileLimit, "--"));
        }
        Path nativeRunner = nativeRunner();
        if (nativeRunner != null) {
            command.add(nativeRunner.toAbsolutePath().toString());
        } else {
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-Dherald.data-dir="); // in memory, whatever production's default: a test that wants one sets it
        command.addAll(extraArgs);
        if (nativeRunner == null) {
            command.add("-jar");
            command.add(Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString());
        }
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            Process started = process;
            // a test JVM that dies (or a test that forgets close()) must not leave a server behind
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        } catch (IOException e) {
            throw new IllegalStateException("could not start " + command, e);
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Stops the server as an orchestrator does, with SIGTERM, and waits for it to exit. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the server with SIGKILL, as {@code kill -9} does: no shutdown hook, no clean close, and waits for it. */
    public void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("server did not die within 30 s of SIGKILL");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The native executable, when this build is a native one ({@code -Dnative}). */
    private static Path nativeRunner() {
        if (!Boolean.getBoolean("herald.native")) {
            return null;
        }
        String path = System.getProperty("native.image.path");
        return path != null && Files.isExecutable(Path.of(path)) ? Path.of(path) : null;
    }

    /**
     * A free port below the kernel's range for outgoing connections (32768 and up here), from which "port 0" would
     * pick: there, a test client's or Redis client's outgoing connection could take it before the server binds it.
     * (RedisServer takes 15000-22000 and their cluster bus ports.)
     */
    private static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = random.nextInt(10_000, 15_000);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress("0.0.0.0", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 10000-14999");
    }
}
