package dev.herald.sse;

import static dev.herald.support.TestSocket.online;
import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.EventStream;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * What holds an event stream open and what ends it: its heartbeats, not the HTTP request timeout (500 ms here, far
 * below the 2 s heartbeat), keep it open; a client that stops reading is closed once 200 events wait for it, and
 * resumes later.
 */
@QuarkusTest
@TestProfile(EventStreamBoundsTest.SmallBacklog.class)
class EventStreamBoundsTest {

    public static class SmallBacklog implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.outbound-backlog", "200", "herald.sse.heartbeat", "2s",
                    "herald.limits.request-timeout", "500ms");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void anIdleStreamOutlivesTheHttpRequestTimeout() {
        String ida = uniqueUser("ida"), pub = uniqueUser("pub");
        try (var sse = EventStream.user(base, ida)) {
            // Nothing is written for 2 s, four request timeouts: the stream is still open when the heartbeat comes.
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !sse.comments().isEmpty());
            assertThat(sse.ended()).isFalse();
            try (var p = TestSocket.user(base, pub)) {
                p.send(new JsonObject().put("type", "send").put("to", ida).put("text", "still there?"));
                sse.awaitText("still there?");
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAndOthersFlowOn() throws Exception {
        String slow = uniqueUser("slow"), pub = uniqueUser("pub"), other = uniqueUser("other");
        try (var silent = EventStream.silent(base, "/sse/" + slow); var p = TestSocket.user(base, pub);
                var o = EventStream.user(base, other)) {
            Awaitility.await().until(() -> online(slow));
            // Far more than the socket buffers hold, in batches the publisher reads its own copies of, so that the
            // only client falling behind is the silent one.
            p.floodDirect(slow, "x".repeat(190), 30_000);
            Awaitility.await().until(() -> !online(slow));
            // The server ended the stream and then cut the connection it was never going to drain.
            EventStream.readToEnd(silent);
            p.send(new JsonObject().put("type", "send").put("to", other).put("text", "still flowing"));
            o.awaitText("still flowing");
            // Back again: what it missed is in its mailbox (the newest 50 in the test profile).
            try (var back = EventStream.open(base, "/sse/" + slow + "?since=0")) {
                assertThat(back.awaitMessages(50)).hasSize(50);
            }
        }
    }
}
