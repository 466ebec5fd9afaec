package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Nothing is lost: offline mailbox, its bound, reconnect with ?since= and the resume frame. */
@QuarkusTest
class OfflineAndResumeTest {

    @TestHTTPResource("/")
    URI base;

    private static JsonObject send(String to, String text) {
        return new JsonObject().put("type", "send").put("to", to).put("text", text);
    }

    private static List<String> texts(List<JsonObject> messages) {
        return messages.stream().map(m -> m.getString("text")).toList();
    }

    @Test
    void messagesToAnOfflineUserArriveInOrderWhenTheyConnect() {
        String a = uniqueUser("sender"), dana = uniqueUser("dana");
        try (var sa = TestSocket.user(base, a)) {
            for (int i = 1; i <= 5; i++) {
                sa.send(send(dana, "while away " + i));
            }
            sa.awaitText("while away 5");
            try (var d = TestSocket.open(base, "/ws/" + dana)) {
                assertThat(d.awaitType("welcome").getString("user")).isEqualTo(dana);
                List<JsonObject> got = d.awaitMessages(5);
                assertThat(texts(got)).containsExactly("while away 1", "while away 2", "while away 3",
                        "while away 4", "while away 5");
                assertThat(got).extracting(m -> m.getLong("id")).isSorted();
                assertThat(d.frames().get(0).getString("type")).isEqualTo("welcome");
            }
            // Delivered once: a later connection does not get them again.
            try (var again = TestSocket.user(base, dana)) {
                sa.send(send(dana, "live"));
                again.awaitText("live");
                assertThat(texts(again.messages())).containsExactly("live");
            }
        }
    }

    @Test
    void fullMailboxDropsTheOldestAndCountsThem() {
        // The test profile keeps 50 messages per user.
        String a = uniqueUser("flood"), erin = uniqueUser("erin");
        try (var sa = TestSocket.user(base, a)) {
            for (int i = 1; i <= 60; i++) {
                sa.send(send(erin, "m" + i));
            }
            sa.awaitText("m60");
            try (var e = TestSocket.open(base, "/ws/" + erin)) {
                assertThat(e.awaitType("welcome").getLong("dropped")).isEqualTo(10);
                List<JsonObject> got = e.awaitMessages(50);
                assertThat(texts(got)).containsExactlyElementsOf(
                        IntStream.rangeClosed(11, 60).mapToObj(i -> "m" + i).toList());
            }
        }
    }

    @Test
    void reconnectWithSinceReplaysWhatWasMissedWithoutDuplicates() {
        String a = uniqueUser("pub"), fay = uniqueUser("fay");
        try (var sa = TestSocket.user(base, a)) {
            long lastSeen;
            try (var f = TestSocket.user(base, fay)) {
                sa.send(send(fay, "one"));
                sa.send(send(fay, "two"));
                lastSeen = f.awaitText("two").getLong("id");
            } // the connection drops
            sa.send(send(fay, "three"));
            sa.send(send(fay, "four"));
            sa.awaitText("four");
            try (var f = TestSocket.open(base, "/ws/" + fay + "?since=" + lastSeen)) {
                f.awaitType("welcome");
                List<JsonObject> replay = f.awaitMessages(2);
                assertThat(texts(replay)).containsExactly("three", "four");
                sa.send(send(fay, "five"));
                f.awaitText("five");
                assertThat(texts(f.messages())).containsExactly("three", "four", "five");
            }
        }
    }

    @Test
    void resumeFrameReplaysMissedMessagesWhileAnotherTabStayedOnline() {
        String a = uniqueUser("pub2"), gus = uniqueUser("gus");
        try (var sa = TestSocket.user(base, a); var stay = TestSocket.user(base, gus)) {
            long lastSeen;
            try (var dropped = TestSocket.user(base, gus)) {
                sa.send(send(gus, "before"));
                lastSeen = dropped.awaitText("before").getLong("id");
            }
            sa.send(send(gus, "missed 1"));
            sa.send(send(gus, "missed 2"));
            stay.awaitText("missed 2");
            // The other tab was online, so nothing waits in the mailbox: the new tab asks with resume.
            try (var back = TestSocket.user(base, gus)) {
                back.send(new JsonObject().put("type", "resume").put("since", lastSeen).put("ref", "rs"));
                JsonObject ack = back.await(f -> "ack".equals(f.getString("type")));
                assertThat(ack.getInteger("replayed")).isEqualTo(2);
                assertThat(texts(back.awaitMessages(2))).containsExactly("missed 1", "missed 2");
                // Asking again replays nothing twice.
                back.send(new JsonObject().put("type", "resume").put("since", lastSeen).put("ref", "rs2"));
                assertThat(back.await(f -> "rs2".equals(f.getString("ref"))).getInteger("replayed")).isZero();
                sa.send(send(gus, "live"));
                back.awaitText("live");
                assertThat(texts(back.messages())).containsExactly("missed 1", "missed 2", "live");
            }
        }
    }

    @Test
    void roomAndBroadcastMessagesAreInTheStreamToo() {
        String room = uniqueUser("r"), a = uniqueUser("ha"), h = uniqueUser("hb");
        try (var sa = TestSocket.user(base, a); var stay = TestSocket.user(base, h)) {
            stay.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            sa.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            stay.awaitType("ack");
            sa.awaitType("ack");
            long since = stay.awaitType("welcome").getLong("lastMessageId");
            sa.send(new JsonObject().put("type", "send").put("room", room).put("text", "room msg"));
            sa.send(new JsonObject().put("type", "broadcast").put("text", "bcast " + room));
            stay.awaitText("bcast " + room);
            try (var other = TestSocket.open(base, "/ws/" + h + "?since=" + since)) {
                assertThat(texts(other.awaitMessages(2))).containsExactly("room msg", "bcast " + room);
            }
        }
    }

    /** SPEC: a since that cannot be honoured (older than kept, or from another epoch) is told with gap: true. */
    @Test
    void welcomeSaysGapWhenSinceIsOlderThanKeptOrFromAnotherEpoch() {
        // The test profile keeps 50 messages per user.
        String a = uniqueUser("gapper"), gus = uniqueUser("gus");
        try (var sa = TestSocket.user(base, a)) {
            long first;
            try (var g = TestSocket.user(base, gus)) {
                sa.send(send(gus, "m0"));
                first = g.awaitText("m0").getLong("id");
                for (int i = 1; i < 60; i++) {
                    sa.send(send(gus, "m" + i));
                }
                g.awaitText("m59");
            }
            long last = first + 59;
            // Honoured: nothing missing between since and what is kept.
            try (var g = TestSocket.open(base, "/ws/" + gus + "?since=" + (last - 5))) {
                JsonObject welcome = g.awaitType("welcome");
                assertThat(welcome.getBoolean("gap")).isFalse();
                assertThat(welcome.getString("epoch")).isNotBlank();
                assertThat(texts(g.awaitMessages(5))).containsExactly("m55", "m56", "m57", "m58", "m59");
            }
            // Older than the 50 kept: gap, and what is kept is replayed.
            try (var g = TestSocket.open(base, "/ws/" + gus + "?since=" + first)) {
                assertThat(g.awaitType("welcome").getBoolean("gap")).isTrue();
                assertThat(texts(g.awaitMessages(50)).get(0)).isEqualTo("m10");
            }
            // An id this stream never issued (another epoch, e.g. before a restart): gap, and what is kept.
            try (var g = TestSocket.open(base, "/ws/" + gus + "?since=" + (last + 1_000_000_000L))) {
                JsonObject welcome = g.awaitType("welcome");
                assertThat(welcome.getBoolean("gap")).isTrue();
                assertThat(welcome.getLong("lastMessageId")).isEqualTo(last);
                assertThat(g.awaitMessages(50)).hasSize(50);
            }
            // The resume frame says so too.
            try (var g = TestSocket.user(base, gus)) {
                g.send(new JsonObject().put("type", "resume").put("since", first).put("ref", "r"));
                JsonObject ack = g.await(f -> "ack".equals(f.getString("type")));
                assertThat(ack.getBoolean("gap")).isTrue();
                assertThat(ack.getInteger("replayed")).isEqualTo(50);
            }
        }
    }
}
