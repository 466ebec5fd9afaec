package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/** A connection over its rate gets rate_limited errors; one that keeps flooding is closed with 1008. */
@QuarkusTest
@TestProfile(RateLimitTest.LowRate.class)
class RateLimitTest {

    public static class LowRate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.limits.messages-per-second", "1", "herald.limits.burst", "5",
                    "herald.limits.abuse-threshold", "20");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void burstIsServedThenRateLimitedThenClosedOnSustainedFlooding() {
        String gil = uniqueUser("gil"), hal = uniqueUser("hal");
        try (var flood = TestSocket.user(base, gil); var calm = TestSocket.user(base, hal)) {
            for (int i = 0; i < 8; i++) {
                flood.send(new JsonObject().put("type", "send").put("to", hal).put("text", "m" + i).put("ref", i));
            }
            // The frame is dropped unread, so the error carries no ref.
            org.awaitility.Awaitility.await().until(() -> flood.ofType("ack").size() + flood.ofType("error").size() == 8);
            // A burst of 5 at 1 frame/s: 5 served (a 6th if a token refilled meanwhile), the rest refused.
            assertThat(flood.ofType("ack")).hasSizeBetween(5, 6);
            assertThat(flood.ofType("error")).hasSize(8 - flood.ofType("ack").size())
                    .allSatisfy(e -> assertThat(e.getString("code")).isEqualTo("rate_limited"));
            assertThat(calm.awaitMessages(flood.ofType("ack").size())).isNotEmpty();

            for (int i = 0; i < 40; i++) {
                flood.send("{\"type\":\"broadcast\",\"text\":\"spam\"}");
            }
            assertThat(flood.awaitClosed()).isEqualTo(1008);
            // The calm user is unaffected and can still talk.
            calm.send(new JsonObject().put("type", "send").put("to", hal).put("text", "quiet again"));
            calm.awaitText("quiet again");
        }
    }
}
