package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.RawWebSocket;
import dev.herald.support.ServerProcess;
import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 16: clients that vanish with a TCP reset (a crashed browser, a lost network) are routine, not
 * errors: 100 resets of open WebSockets and 100 of HTTP connections mid-request leave no ERROR line and no stack
 * trace in the log, and the server carries on.
 */
class ConnectionResetProbeIT {

    private static final int RESETS = 100;

    @Test
    void resetsAreNotLoggedAsErrors() throws Exception {
        try (ServerProcess server = new ServerProcess("reset-probe", List.of("-Dherald.auth.enabled=false",
                "-Dherald.ticker.enabled=true")).start(); TestSocket watcher = TestSocket.user(server.base(), "watcher")) {
            for (int i = 0; i < RESETS; i++) {
                String path = i % 2 == 0 ? "/ws/reset" + i : "/ws/ticker";
                RawWebSocket s = RawWebSocket.open(server.base(), path);
                if (i % 2 == 0) {
                    s.read(); // the welcome
                }
                s.reset();
            }
            for (int i = 0; i < RESETS; i++) {
                try (Socket http = new Socket()) {
                    http.connect(new InetSocketAddress(server.base().getHost(), server.base().getPort()));
                    http.getOutputStream().write(("POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                            + "\r\nContent-Length: 1000\r\n\r\n{\"to\":").getBytes(StandardCharsets.US_ASCII));
                    http.getOutputStream().flush();
                    http.setSoLinger(true, 0);
                }
            }
            // Every reset connection is gone, and the server still works.
            Awaitility.await().until(() -> server.logLines().stream().filter(l -> l.contains("disconnect reset")).count() == RESETS / 2);
            watcher.send(new JsonObject().put("type", "send").put("to", "watcher").put("text", "after").put("ref", 1));
            watcher.awaitText("after");
            assertThat(watcher.messages()).hasSize(1);

            List<String> log = server.logLines();
            assertThat(log).filteredOn(l -> l.contains(" ERROR ")).as("ERROR lines").isEmpty();
            assertThat(log).filteredOn(l -> l.startsWith("\tat ")).as("stack frames").isEmpty();
        }
    }
}
