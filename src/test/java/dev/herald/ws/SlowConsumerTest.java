package dev.herald.ws;

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

/** A client that stops reading is closed once 200 frames wait for it; it resumes later. */
@QuarkusTest
@TestProfile(SlowConsumerTest.PatientPings.class)
class SlowConsumerTest {

    /** A long idle timeout, so that it is the backlog bound and not the heartbeat that acts. */
    public static class PatientPings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.idle-timeout", "10m", "herald.limits.outbound-backlog", "200");
        }
    }

    @TestHTTPResource("/")
    URI base;


    @Test
    void aConsumerThatStopsReadingIsClosedAndResumesLater() throws Exception {
        String slow = uniqueUser("slow"), pub = uniqueUser("pub"), other = uniqueUser("other");
        try (var silent = SilentClient.open(base, "/ws/" + slow); var p = TestSocket.user(base, pub);
                var o = TestSocket.user(base, other)) {
            Awaitility.await().until(() -> online(slow));
            // Far more than the socket buffers hold, sent faster than a pong interval.
            p.floodDirect(slow, "x".repeat(190), 15_000);
            Awaitility.await().until(() -> !online(slow));
            assertThat(silent.readUntilClose()).as("closed as a slow consumer").isEqualTo(1008);
            // Others were not held up.
            p.send(new JsonObject().put("type", "send").put("to", other).put("text", "still flowing"));
            o.awaitText("still flowing");
            // Back again: what it missed is in its mailbox (the newest 50 in the test profile).
            try (var back = TestSocket.open(base, "/ws/" + slow + "?since=0")) {
                back.awaitMessages(50);
            }
        }
    }

}
