package dev.herald.probe;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 11, item 5: the per-user connection limit was check-then-act, so 200 concurrent upgrades of one user opened
 * 71 to 149 sockets against a limit of 20. The test profile allows 5.
 */
@QuarkusTest
class ConnectionLimitProbeTest {

    private static final int LIMIT = 5, ATTEMPTS = 200;

    @TestHTTPResource("/")
    URI base;

    private static Integer connections(String user) {
        return given().get("/api/users").then().statusCode(200).extract()
                .path("find { it.user == '" + user + "' }.connections");
    }

    /** Opens every attempt at once; returns the sockets that opened, and counts the 429s in {@code refused}. */
    private List<WebSocket> storm(HttpClient http, String user, int[] refused) {
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/" + user);
        List<CompletableFuture<WebSocket>> attempts = new ArrayList<>();
        for (int i = 0; i < ATTEMPTS; i++) {
            attempts.add(http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    ws.request(1);
                    return null;
                }
            }));
        }
        List<WebSocket> open = new ArrayList<>();
        for (CompletableFuture<WebSocket> attempt : attempts) {
            try {
                open.add(attempt.get(30, TimeUnit.SECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException refusal
                        && refusal.getResponse().statusCode() == 429) {
                    refused[0]++;
                } else {
                    throw new AssertionError("upgrade failed otherwise", e);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return open;
    }

    @Test
    void concurrentUpgradesOfOneUserOpenExactlyTheLimit() {
        String user = uniqueUser("storm");
        HttpClient http = HttpClient.newHttpClient();
        int[] refused = { 0 };
        List<WebSocket> open = storm(http, user, refused);
        try {
            assertThat(open).hasSize(LIMIT);
            assertThat(refused[0]).isEqualTo(ATTEMPTS - LIMIT);
            Awaitility.await().until(() -> Integer.valueOf(LIMIT).equals(connections(user)));
        } finally {
            open.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join());
        }
        Awaitility.await().until(() -> connections(user) == null);
        // Every slot came back: the same storm again opens the limit again.
        int[] again = { 0 };
        List<WebSocket> second = storm(http, user, again);
        try {
            assertThat(second).hasSize(LIMIT);
            assertThat(again[0]).isEqualTo(ATTEMPTS - LIMIT);
        } finally {
            second.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join());
        }
        Awaitility.await().until(() -> connections(user) == null);
    }

    /** The slot is taken by the last check: an upgrade another check refuses (here a bad ?since=, 400) holds none. */
    @Test
    void upgradesRefusedByAnEarlierCheckHoldNoSlot() {
        String user = uniqueUser("refused");
        for (int i = 0; i < 3 * LIMIT; i++) {
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + user + "?since=yesterday")).isEqualTo(400);
        }
        List<TestSocket> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < LIMIT; i++) {
                tabs.add(TestSocket.user(base, user));
            }
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + user)).isEqualTo(429);
        } finally {
            tabs.forEach(TestSocket::close);
        }
        Awaitility.await().until(() -> connections(user) == null);
    }

    /** An upgrade that passes the checks but fails the handshake, or whose client leaves, holds no slot for long. */
    @Test
    void failedAndAbandonedUpgradesDoNotLockTheUserOut() throws Exception {
        String user = uniqueUser("flaky");
        for (int i = 0; i < 2 * LIMIT; i++) {
            assertThat(rawUpgrade(user, "99", false)).doesNotStartWith("HTTP/1.1 101");
            rawUpgrade(user, "13", true);
        }
        List<TestSocket> tabs = new ArrayList<>();
        try {
            Awaitility.await().atMost(TestSocket.TIMEOUT).until(() -> {
                try {
                    tabs.add(TestSocket.user(base, user));
                } catch (AssertionError refusedForNow) {
                    return false;
                }
                return tabs.size() == LIMIT;
            });
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + user)).isEqualTo(429);
        } finally {
            tabs.forEach(TestSocket::close);
        }
        Awaitility.await().until(() -> connections(user) == null);
    }

    /**
     * Sends an upgrade request by hand. With {@code leave}, closes the socket at once without reading; otherwise
     * returns the status line.
     */
    private String rawUpgrade(String user, String version, boolean leave) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            String request = "GET /ws/" + user + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: " + version + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            if (leave) {
                return "";
            }
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
                line.append((char) b);
            }
            return line.toString();
        }
    }
}
