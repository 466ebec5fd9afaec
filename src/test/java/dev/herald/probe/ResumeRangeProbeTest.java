package dev.herald.probe;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 15: {@code ?since=9223372036854775807} replayed the whole kept history. A {@code since} at or
 * beyond the newest id of the stream replays nothing, without an error; so does a {@code resume} frame.
 */
@QuarkusTest
class ResumeRangeProbeTest {

    @TestHTTPResource("/")
    URI base;

    /** Three messages kept in the user's stream, already delivered; returns the newest id. */
    private long historyOfThree(String user) {
        try (var s = TestSocket.user(base, user)) {
            for (int i = 1; i <= 3; i++) {
                s.send(new JsonObject().put("type", "send").put("to", user).put("text", "kept " + i));
            }
            return s.awaitText("kept 3").getLong("id");
        }
    }

    /** Sends a marker to itself and waits for it: every frame the server wrote before it has arrived. */
    private static void settle(TestSocket s, String user) {
        s.send(new JsonObject().put("type", "send").put("to", user).put("text", "marker"));
        s.awaitText("marker");
    }

    @org.junit.jupiter.api.Test
    void reconnectWithTheNewestIdReplaysNothing() {
        String user = uniqueUser("since");
        long newest = historyOfThree(user);
        try (var s = TestSocket.open(base, "/ws/" + user + "?since=" + newest)) {
            assertThat(s.awaitType("welcome").getBoolean("gap")).isFalse();
            settle(s, user);
            assertThat(s.messages()).extracting(m -> m.getString("text")).containsExactly("marker");
            assertThat(s.ofType("error")).isEmpty();
        }
    }

    /**
     * An id the stream never issued (another epoch's, or a forged one, up to Long.MAX_VALUE, which once overflowed):
     * the welcome says gap and what is kept is replayed once, as SPEC says for a since that cannot be honoured.
     */
    @ParameterizedTest(name = "since = newest id + {0}")
    @ValueSource(longs = { 1, 1_000_000, Long.MAX_VALUE })
    void reconnectWithASinceBeyondTheNewestIdIsAGap(long beyond) {
        String user = uniqueUser("since");
        long newest = historyOfThree(user);
        long since = beyond == Long.MAX_VALUE ? Long.MAX_VALUE : newest + beyond;
        try (var s = TestSocket.open(base, "/ws/" + user + "?since=" + since)) {
            assertThat(s.awaitType("welcome").getBoolean("gap")).isTrue();
            settle(s, user);
            assertThat(s.messages()).extracting(m -> m.getString("text"))
                    .containsExactly("kept 1", "kept 2", "kept 3", "marker");
            assertThat(s.ofType("error")).isEmpty();
        }
    }

    @ParameterizedTest(name = "resume since = {0}")
    @ValueSource(longs = { Long.MAX_VALUE, 9_007_199_254_740_993L })
    void resumeFrameBeyondTheNewestIdReplaysNothing(long since) {
        String user = uniqueUser("resume");
        long newest = historyOfThree(user);
        try (var s = TestSocket.open(base, "/ws/" + user + "?since=" + newest)) {
            s.awaitType("welcome");
            s.send(new JsonObject().put("type", "resume").put("since", since).put("ref", "r"));
            assertThat(s.await(f -> "r".equals(f.getString("ref"))).getInteger("replayed")).isZero();
            settle(s, user);
            assertThat(s.messages()).extracting(m -> m.getString("text")).containsExactly("marker");
            assertThat(s.ofType("error")).isEmpty();
        }
    }
}
