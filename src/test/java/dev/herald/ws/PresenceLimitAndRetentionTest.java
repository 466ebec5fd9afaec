package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/** What keeps memory and traffic bounded with many users: the presence limit and history retention. */
@QuarkusTest
@TestProfile(PresenceLimitAndRetentionTest.Small.class)
class PresenceLimitAndRetentionTest {

    public static class Small implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.delivery.presence-limit", "2", "herald.delivery.history-retention", "1s",
                    "herald.delivery.sweep-every", "1s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aboveThePresenceLimitNoPresenceEventsAndTheWelcomeIsCapped() {
        String a = uniqueUser("pa"), b = uniqueUser("pb"), c = uniqueUser("pc");
        try (var sa = TestSocket.user(base, a)) {
            var sb = TestSocket.user(base, b);
            sa.awaitPresence(b, true);
            try (var sc = TestSocket.open(base, "/ws/" + c)) {
                JsonObject welcome = sc.awaitType("welcome");
                assertThat(welcome.getInteger("onlineCount")).isEqualTo(3);
                assertThat(welcome.getJsonArray("online")).hasSize(2);
                // Three users online: c's arrival is not announced; messages still flow.
                sc.send(new JsonObject().put("type", "send").put("to", a).put("text", "from c"));
                sa.awaitText("from c");
                // Back to two: b's departure is announced, and c's arrival, earlier, was not.
                sb.close();
                sa.awaitPresence(b, false);
                assertThat(sa.presence()).extracting(e -> e.user()).doesNotContain(c);
            }
        }
    }

    @Test
    void deliveredHistoryIsForgottenAfterItsRetentionButIdsKeepIncreasing() {
        String d = uniqueUser("pd");
        long firstId;
        try (var s = TestSocket.user(base, d)) {
            s.send(new JsonObject().put("type", "send").put("to", d).put("text", "old"));
            firstId = s.awaitText("old").getLong("id");
        }
        // After the retention and a sweep, a resume from before finds nothing left to replay...
        Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            try (var probe = TestSocket.open(base, "/ws/" + d + "?since=0")) {
                probe.awaitType("welcome");
                probe.send(new JsonObject().put("type", "send").put("to", d).put("text", "probe").put("ref", "p"));
                probe.await(f -> "ack".equals(f.getString("type")));
                return probe.messages().stream().noneMatch(m -> "old".equals(m.getString("text")));
            }
        });
        // ...and new messages still get ids above every earlier one, so clients never skip them.
        try (var s = TestSocket.user(base, d)) {
            s.send(new JsonObject().put("type", "send").put("to", d).put("text", "new"));
            assertThat(s.awaitText("new").getLong("id")).isGreaterThan(firstId);
        }
    }
}
