import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Start-up and memory of one Herald process, measured from outside:
 *
 * <pre>java WsFootprint.java PORT CONNECTIONS -- SERVER COMMAND...</pre>
 *
 * Launches the server command, polls ws://127.0.0.1:PORT/ws/probe until the welcome frame arrives (time from
 * launch to the first accepted WebSocket connection), closes it, waits 5 s and reads VmRSS (idle), then holds
 * CONNECTIONS connections of distinct users (c0, c1, ...) open, waits 5 s after the last welcome and reads VmRSS
 * again (and VmHWM, the peak). Kills the server at the end. Loopback only; bounded in count and time.
 * {@code -Dsame.user=true} opens all of them as one user (raise herald.limits.connections-per-user), which leaves
 * out the presence fan-out; {@code -Dlog=FILE} is where the server's output goes (footprint-server.log).
 */
public class WsFootprint {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int connections = Integer.parseInt(args[1]);
        List<String> command = Arrays.asList(args).subList(3, args.length);
        String base = "ws://127.0.0.1:" + port + "/ws/";

        // A first, unmeasured launch warms the client up (class loading of the whole connect path), so that
        // the measured launch counts the server's start-up, not this JVM's.
        Process warm = launch(command, port);
        WebSocket first = firstWelcome(warm, base, System.nanoTime());
        first.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        stop(warm);

        long t0 = System.nanoTime();
        Process server = launch(command, port);
        try {
            WebSocket probe = firstWelcome(server, base, t0);
            long firstWelcomeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            probe.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            System.out.printf("first welcome after launch: %d ms%n", firstWelcomeMs);

            Thread.sleep(5000);
            long pid = server.pid();
            System.out.printf("idle RSS (5 s after the first welcome): %s%n", status(pid, "VmRSS"));

            List<Client> clients = new ArrayList<>();
            long c0 = System.nanoTime();
            for (int i = 0; i < connections; i += 50) {
                List<Client> batch = new ArrayList<>();
                for (int j = i; j < Math.min(i + 50, connections); j++) {
                    batch.add(new Client(base + (Boolean.getBoolean("same.user") ? "c" : "c" + j)));
                }
                for (Client c : batch) {
                    c.welcome.get(30, TimeUnit.SECONDS);
                }
                clients.addAll(batch);
            }
            long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - c0);
            Thread.sleep(5000);
            System.out.printf("%d connections open (in %d ms): VmRSS %s, VmHWM %s, threads %s%n", clients.size(),
                    openMs, status(pid, "VmRSS"), status(pid, "VmHWM"), status(pid, "Threads"));
            for (Client c : clients) {
                c.socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        } finally {
            stop(server);
        }
        System.exit(0);
    }

    static Process launch(List<String> command, int port) throws Exception {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Path.of(System.getProperty("log", "footprint-server.log")).toFile()).start();
    }

    static void stop(Process server) throws Exception {
        server.destroy();
        if (!server.waitFor(20, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    /** Polls every millisecond until a connection to /ws/probe gets its welcome frame. */
    static WebSocket firstWelcome(Process server, String base, long t0) throws Exception {
        while (true) {
            if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(60) || !server.isAlive()) {
                server.destroyForcibly();
                throw new IllegalStateException("no welcome within 60 s; see " + System.getProperty("log", "footprint-server.log"));
            }
            WebSocket probe = tryWelcome(base + "probe");
            if (probe != null) {
                return probe;
            }
            Thread.sleep(1);
        }
    }

    /** One attempt: the open socket once its welcome frame arrived, or null when the server is not up yet. */
    static WebSocket tryWelcome(String uri) throws Exception {
        try {
            Client c = new Client(uri);
            c.welcome.get(10, TimeUnit.SECONDS);
            return c.socket;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ConnectException || e.getCause() instanceof java.io.IOException) {
                return null;
            }
            throw e;
        }
    }

    static final class Client implements WebSocket.Listener {
        final CompletableFuture<Void> welcome = new CompletableFuture<>();
        final WebSocket socket;
        private final StringBuilder text = new StringBuilder();

        Client(String uri) throws Exception {
            CompletableFuture<WebSocket> f = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(uri), this);
            f.whenComplete((ws, e) -> {
                if (e != null) {
                    welcome.completeExceptionally(e instanceof java.util.concurrent.CompletionException
                            && e.getCause() != null ? e.getCause() : e);
                }
            });
            WebSocket ws;
            try {
                ws = f.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                ws = null;
            }
            this.socket = ws;
            if (ws == null) {
                welcome.get(1, TimeUnit.SECONDS); // rethrows the connection failure
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                if (text.indexOf("\"type\":\"welcome\"") >= 0) {
                    welcome.complete(null);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    static String status(long pid, String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return line.substring(key.length() + 1).trim();
            }
        }
        return "?";
    }
}
