package dev.herald.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A {@code redis-server} of the test's own: loopback, a free port, its own directory under {@code target/redis/}
 * (data and {@code redis.log}), no configuration file. {@link #stop()} / {@link #kill()} then {@link #restart()}
 * bring it back on the same port, as an outage would. Servers never outlive the JVM that started them: a shutdown
 * hook kills the ones still running, and each server is watched by a small shell that kills it when the JVM's end of
 * its stdin closes, which also covers a JVM killed with SIGKILL.
 */
public final class RedisServer implements AutoCloseable {

    /** What the server keeps on disk. */
    public enum Persistence {
        /** Nothing ({@code --save '' --appendonly no}): a restart starts empty. */
        NONE,
        /** AOF, fsync once a second: a crash loses at most about a second of writes. */
        AOF_EVERYSEC,
        /** AOF, fsync before each reply: an acknowledged write survives a crash. */
        AOF_ALWAYS
    }

    private static final Path ROOT = Path.of("target", "redis").toAbsolutePath();
    private static final Set<RedisServer> RUNNING = ConcurrentHashMap.newKeySet();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 8;
    // Ports below the kernel's ephemeral range (32768+), so an outgoing connection never takes a stopped
    // server's port before its restart; random, so JVMs running at the same time rarely pick the same one.
    static final int PORT_FROM = 15000;
    static final int PORT_TO = 22000;

    /*
     * Runs redis-server in the background, prints its pid, then blocks reading stdin; when the JVM closes that pipe
     * (close(), or the JVM dying in any way) it kills the server if it is still there.
     */
    private static final String WATCHDOG = """
            log=$1; shift
            redis-server "$@" </dev/null >>"$log" 2>&1 &
            echo $!
            cat >/dev/null
            [ "$(cat /proc/$!/comm 2>/dev/null)" = redis-server ] && kill -9 $!
            exit 0
            """;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(RedisServer::kill),
                "redis-server-cleanup"));
    }

    private final String name;
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process watchdog;
    private ProcessHandle server;

    private RedisServer(String name, int port, Path dir, List<String> args) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.args = args;
    }

    /** A server that keeps nothing on disk, started and answering PING. */
    public static RedisServer start(String name) {
        return start(name, Persistence.NONE);
    }

    /**
     * A server with the given persistence and any further {@code redis-server} options ({@code "--maxmemory",
     * "10mb"}), started and answering PING.
     */
    public static RedisServer start(String name, Persistence persistence, String... extraArgs) {
        List<String> args = new ArrayList<>(persistenceArgs(persistence));
        args.addAll(List.of(extraArgs));
        return startOnFreePort(name, args);
    }

    /** Tries random free ports until one server starts: another JVM may take the same port at the same time. */
    private static RedisServer startOnFreePort(String name, List<String> args) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            int port = freePort(0);
            RedisServer server = new RedisServer(name, port, newDir(name), args);
            try {
                return server.launch();
            } catch (PortTakenException e) {
                server.close();
                last = e;
            }
        }
        throw new IllegalStateException("no free port for redis-server after " + START_ATTEMPTS + " attempts", last);
    }

    /** A server on a port chosen by the caller (a cluster node), started; fails if the port is taken. */
    static RedisServer startOn(String name, int port, Path dir, List<String> args) {
        return new RedisServer(name, port, dir, args).launch();
    }

    static List<String> persistenceArgs(Persistence persistence) {
        return switch (persistence) {
            case NONE -> List.of("--save", "", "--appendonly", "no");
            case AOF_EVERYSEC -> List.of("--save", "", "--appendonly", "yes", "--appendfsync", "everysec");
            case AOF_ALWAYS -> List.of("--save", "", "--appendonly", "yes", "--appendfsync", "always");
        };
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The connection string for {@code quarkus.redis.hosts}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The server's own directory (data files, {@code redis.log}). */
    public Path dir() {
        return dir;
    }

    /** The server's log, appended to across restarts. */
    public Path log() {
        return dir.resolve("redis.log");
    }

    public boolean isRunning() {
        ProcessHandle s = server;
        return s != null && s.isAlive();
    }

    /** Stops the server as an operator does (SIGTERM: it flushes its AOF and exits) and waits for it to exit. */
    public void stop() {
        ProcessHandle s = server;
        if (s != null && s.isAlive()) {
            s.destroy();
            awaitExit(s, Duration.ofSeconds(15));
        }
        release();
    }

    /** Kills the server (SIGKILL): a crash, nothing flushed beyond what its fsync policy already wrote. */
    public void kill() {
        ProcessHandle s = server;
        if (s != null && s.isAlive()) {
            s.destroyForcibly();
            awaitExit(s, Duration.ofSeconds(15));
        }
        release();
    }

    /**
     * Freezes the server (SIGSTOP): its port still accepts TCP connections but nothing answers, as with a hung
     * Redis or a network partition. {@link #thaw()} resumes it; {@link #kill()} and {@link #close()} work on it.
     */
    public void freeze() {
        signal("-STOP");
    }

    /** Resumes a frozen server (SIGCONT). */
    public void thaw() {
        signal("-CONT");
    }

    private void signal(String signal) {
        ProcessHandle s = server;
        if (s == null || !s.isAlive()) {
            throw new IllegalStateException("redis-server " + this + " is not running");
        }
        run(List.of("kill", signal, String.valueOf(s.pid())), Duration.ofSeconds(10));
    }

    /** Starts the server again on the same port and directory (stopping it first if it runs); waits for PING. */
    public RedisServer restart() {
        stop();
        return launch();
    }

    /** Runs {@code redis-cli} against this server and returns what it printed (trimmed). */
    public String cli(String... command) {
        List<String> line = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", String.valueOf(port)));
        line.addAll(List.of(command));
        return run(line, Duration.ofSeconds(30)).trim();
    }

    /** True when the server answers PING with PONG (not while it is still loading its data). */
    public boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            return "+PONG".equals(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        kill();
    }

    @Override
    public String toString() {
        return name + "@" + port;
    }

    private RedisServer launch() {
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "redis-watchdog", log().toString(),
                "--bind", "127.0.0.1", "--port", String.valueOf(port), "--dir", dir.toString(),
                "--daemonize", "no"));
        command.addAll(args);
        try {
            watchdog = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String pid = new BufferedReader(new InputStreamReader(watchdog.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (pid == null) {
                throw new IllegalStateException("could not start redis-server " + this + "; see " + log());
            }
            server = ProcessHandle.of(Long.parseLong(pid.trim())).orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start redis-server " + this, e);
        }
        RUNNING.add(this);
        try {
            Awaitility.await("redis-server " + this + " answers PING").atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20)).until(() -> !isRunning() || answersPing());
        } catch (ConditionTimeoutException e) {
            release();
            throw new IllegalStateException("redis-server " + this + " did not answer PING; see " + log(), e);
        }
        if (!isRunning()) {
            release();
            if (logMentionsPortInUse()) {
                throw new PortTakenException(this);
            }
            throw new IllegalStateException("redis-server " + this + " exited at start; see " + log());
        }
        return this;
    }

    /** Lets the watchdog shell go (it exits, the server being gone) and forgets the server. */
    private void release() {
        Process w = watchdog;
        if (w != null) {
            try (OutputStream stdin = w.getOutputStream()) {
                // closing it is the signal
            } catch (IOException ignored) {
                // the shell already exited
            }
            try {
                if (!w.waitFor(10, TimeUnit.SECONDS)) {
                    w.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ProcessHandle s = server;
        if (s != null && s.isAlive()) {
            s.destroyForcibly();
            awaitExit(s, Duration.ofSeconds(10));
        }
        watchdog = null;
        RUNNING.remove(this);
    }

    private boolean logMentionsPortInUse() {
        try {
            return Files.exists(log()) && Files.readString(log()).contains("Address already in use");
        } catch (IOException e) {
            return false;
        }
    }

    private static void awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    static Path newDir(String name) {
        try {
            Files.createDirectories(ROOT);
            return Files.createTempDirectory(ROOT, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A random loopback port that is free now, and whose port + {@code offset} is free too when offset > 0. */
    static int freePort(int offset) {
        for (int i = 0; i < 1000; i++) {
            int port = ThreadLocalRandom.current().nextInt(PORT_FROM, PORT_TO);
            if (isFree(port) && (offset == 0 || isFree(port + offset))) {
                return port;
            }
        }
        throw new IllegalStateException("no free loopback port between " + PORT_FROM + " and " + PORT_TO);
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static String run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Another process (maybe another test JVM) holds the port. */
    static final class PortTakenException extends IllegalStateException {
        PortTakenException(RedisServer server) {
            super("port " + server.port + " already in use; see " + server.log());
        }
    }
}
