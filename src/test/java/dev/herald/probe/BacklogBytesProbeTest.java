package dev.herald.probe;

import static dev.herald.support.TestSocket.online;
import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.SilentClient;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 3: the outbound bound counted frames, so a client that stops reading could make the server hold
 * frame-bound × frame size. It is bounded in bytes too: here 64 KiB, with a frame bound (100 000) never reached.
 */
@QuarkusTest
@TestProfile(BacklogBytesProbeTest.ByteBound.class)
class BacklogBytesProbeTest {

    public static class ByteBound implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.idle-timeout", "10m", "herald.limits.outbound-backlog", "100000",
                    "herald.limits.outbound-backlog-bytes", "64K");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aConsumerThatStopsReadingIsClosedOnceItsBacklogPassesTheByteBound() throws Exception {
        String slow = uniqueUser("slowbytes"), pub = uniqueUser("pub"), other = uniqueUser("other");
        try (var silent = SilentClient.open(base, "/ws/" + slow); var p = TestSocket.user(base, pub);
                var o = TestSocket.user(base, other)) {
            Awaitility.await().until(() -> online(slow));
            // Far more than the socket buffers hold (about 4 MB of frames), far fewer than 100 000 frames.
            p.floodDirect(slow, "x".repeat(190), 20_000);
            Awaitility.await().until(() -> !online(slow));
            assertThat(silent.readUntilClose()).as("closed as a slow consumer").isEqualTo(1008);
            p.send(new JsonObject().put("type", "send").put("to", other).put("text", "still flowing"));
            o.awaitText("still flowing");
        }
    }
}
