package dev.herald.ticker;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** The seed-000 ticker: counted pushes echoing the client's last text, and the one-push-after-3-s variant. */
@QuarkusTest
class TickerTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void pushesCountedFramesAndEchoesTheLastClientText() {
        // The test profile ticks every 100 ms.
        try (var t = TestSocket.open(base, "/ws/ticker")) {
            JsonObject first = t.await(f -> f.containsKey("server_msg"));
            assertThat(first.getString("server_msg")).isEqualTo("send 1 times!");
            assertThat(first.getString("time")).matches("\\d{4}\\.\\d{2}\\.\\d{2} \\d{2}:\\d{2}:\\d{2}");
            assertThat(first.containsKey("client_msg")).isFalse();
            t.send("hello ticker");
            JsonObject echoed = t.await(f -> "hello ticker".equals(f.getString("client_msg")));
            assertThat(echoed.getString("server_msg")).matches("send \\d+ times!");
            t.await(f -> "send 5 times!".equals(f.getString("server_msg")));
            List<String> counts = t.frames().stream().map(f -> f.getString("server_msg")).limit(5).toList();
            assertThat(counts).containsExactly("send 1 times!", "send 2 times!", "send 3 times!", "send 4 times!",
                    "send 5 times!");
        }
    }

    @Test
    void oncePushesASingleFrameAfterTheFirstDelay() {
        long opened = System.nanoTime();
        try (var t = TestSocket.open(base, "/ws/ticker?first=300ms&once=true")) {
            t.await(f -> f.containsKey("server_msg"));
            assertThat((System.nanoTime() - opened) / 1_000_000).isGreaterThanOrEqualTo(300);
            // A later ticker connection ticks on; this one stays at one frame.
            try (var other = TestSocket.open(base, "/ws/ticker")) {
                other.await(f -> "send 3 times!".equals(f.getString("server_msg")));
            }
            assertThat(t.frames()).hasSize(1);
        }
    }

    @Test
    void tickerIsNotMistakenForAUserCalledTicker() {
        for (String path : new String[] { "/ws/ticker", "/ws/ticker/" }) {
            try (var t = TestSocket.open(base, path)) {
                t.await(f -> f.containsKey("server_msg"));
                assertThat(t.ofType("welcome")).isEmpty();
            }
        }
    }
}
