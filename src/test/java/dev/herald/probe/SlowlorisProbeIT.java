package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 8, at a tenth of the scale: Herald may open 400 files, and 450 connections each send part of a
 * request and then one more header byte every 300 ms, forever (slowloris), so an idle timeout alone never fires.
 * Every one of them is closed {@code herald.limits.request-timeout} (2 s here) after it was accepted, a new client
 * gets its page within seconds while the attack goes on, and a healthy WebSocket that stays silent all along (the
 * production ping interval is 30 s) is not cut.
 */
class SlowlorisProbeIT {

    private static final int FILE_LIMIT = 400, ATTACKERS = 450;

    @Test
    void partialRequestsAreClosedAndNewClientsGetIn() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        List<Socket> partial = new ArrayList<>();
        try (ServerProcess server = new ServerProcess("slowloris-probe", List.of("-Dherald.auth.enabled=false",
                "-Dherald.limits.request-timeout=2s")).withFileLimit(FILE_LIMIT).start();
                TestSocket patient = TestSocket.user(server.base(), "patient")) {
            // One partial request closed by the timeout before the attack: on the JVM the classes of that path load
            // from the jars lazily, which takes a file descriptor, and there is none left once the attack has them.
            try (Socket first = new Socket()) {
                first.connect(new InetSocketAddress(server.base().getHost(), server.base().getPort()), 5_000);
                first.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                first.setSoTimeout(1);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> closedByServer(first));
            }
            for (int i = 0; i < ATTACKERS; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(server.base().getHost(), server.base().getPort()), 5_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
                s.setSoTimeout(1);
                partial.add(s);
            }
            trickle.scheduleWithFixedDelay(() -> partial.forEach(s -> {
                try {
                    s.getOutputStream().write('a');
                } catch (IOException e) {
                    // closed by the server: what the probe waits for
                }
            }), 300, 300, TimeUnit.MILLISECONDS);

            long asked = System.nanoTime();
            HttpResponse<Void> page = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build()
                    .send(HttpRequest.newBuilder(server.base()).timeout(Duration.ofSeconds(20)).build(),
                            HttpResponse.BodyHandlers.discarding());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a new client's wait").isLessThan(Duration.ofSeconds(10));

            Awaitility.await().atMost(Duration.ofSeconds(15)).alias("every partial request closed by the server")
                    .until(() -> partial.stream().filter(SlowlorisProbeIT::closedByServer).count() == ATTACKERS);

            // Silent for longer than the request timeout, but an upgraded WebSocket: untouched.
            assertThat(patient.isClosed()).isFalse();
            patient.send(new JsonObject().put("type", "send").put("to", "patient").put("text", "still here"));
            patient.awaitText("still here");
        } finally {
            trickle.shutdownNow();
            for (Socket s : partial) {
                s.close();
            }
        }
    }

    /** Whether the server has closed this connection (end of stream or reset), whatever it wrote before. */
    private static boolean closedByServer(Socket s) {
        try {
            while (s.getInputStream().read() >= 0) {
                // an error page, if any
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
