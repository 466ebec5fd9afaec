package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.EventStream;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * {@code ?echo=false}: a tab that renders what it sends from the ack is not written its own messages back. Its ack
 * carries the message; the user's other tabs, the recipients and every replay still have it.
 */
@QuarkusTest
class EchoOffTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aDirectMessageComesBackInTheAckOnlyWhileTheOtherTabsAndTheRecipientGetItAsBefore() {
        String alice = uniqueUser("alice"), bob = uniqueUser("bob");
        try (var sending = TestSocket.open(base, "/ws/" + alice + "?echo=false"); var other = TestSocket.user(base, alice);
                var recipient = TestSocket.user(base, bob)) {
            sending.awaitType("welcome");
            sending.send(new JsonObject().put("type", "send").put("to", bob).put("text", "hi bob").put("ref", "r1"));

            JsonObject ack = sending.awaitType("ack");
            assertThat(ack.getString("ref")).isEqualTo("r1");
            JsonObject carried = ack.getJsonObject("message");
            assertThat(carried.getString("type")).isEqualTo("message");
            assertThat(carried.getLong("id")).isEqualTo(ack.getLong("id"));
            assertThat(carried.getString("from")).isEqualTo(alice);
            assertThat(carried.getString("to")).isEqualTo(bob);
            assertThat(carried.getString("text")).isEqualTo("hi bob");
            assertThat(carried.getString("kind")).isEqualTo("direct");
            assertThat(carried.getString("sentAt")).isNotBlank();
            assertThat(other.awaitText("hi bob")).as("the sender's other tab: the same frame").isEqualTo(carried);
            assertThat(recipient.awaitText("hi bob").getString("from")).isEqualTo(alice);

            // Bob answers: by the time the answer reaches the sending tab, its own copy would have come before it.
            recipient.send(new JsonObject().put("type", "send").put("to", alice).put("text", "hi alice"));
            sending.awaitText("hi alice");
            assertThat(sending.messages()).extracting(m -> m.getString("text")).containsExactly("hi alice");

            // A new tab that resumes before the message replays it: it is in the stream like any other.
            try (var later = TestSocket.open(base, "/ws/" + alice + "?since=" + (ack.getLong("id") - 1))) {
                assertThat(later.awaitText("hi bob").getLong("id")).isEqualTo(ack.getLong("id"));
            }
        }
    }

    @Test
    void roomAndBroadcastMessagesToo() {
        String room = uniqueUser("room"), carol = uniqueUser("carol"), dan = uniqueUser("dan");
        try (var sending = TestSocket.open(base, "/ws/" + carol + "?echo=false"); var member = TestSocket.user(base, dan)) {
            sending.awaitType("welcome");
            sending.send(new JsonObject().put("type", "join").put("room", room).put("ref", "j1"));
            member.send(new JsonObject().put("type", "join").put("room", room).put("ref", "j2"));
            sending.await(f -> "ack".equals(f.getString("type")) && "j1".equals(f.getString("ref")));
            member.await(f -> "ack".equals(f.getString("type")) && "j2".equals(f.getString("ref")));

            sending.send(new JsonObject().put("type", "send").put("room", room).put("text", "in the room").put("ref", "r"));
            JsonObject roomAck = sending.await(f -> "ack".equals(f.getString("type")) && "r".equals(f.getString("ref")));
            assertThat(roomAck.getJsonObject("message").getString("room")).isEqualTo(room);
            assertThat(roomAck.getJsonObject("message").getString("kind")).isEqualTo("room");
            assertThat(member.awaitText("in the room").getString("from")).isEqualTo(carol);

            sending.send(new JsonObject().put("type", "broadcast").put("text", "to all").put("ref", "b"));
            JsonObject broadcastAck = sending.await(f -> "ack".equals(f.getString("type")) && "b".equals(f.getString("ref")));
            assertThat(broadcastAck.getJsonObject("message").getString("kind")).isEqualTo("broadcast");
            assertThat(broadcastAck.getJsonObject("message").getLong("id")).isEqualTo(broadcastAck.getLong("id"));
            member.awaitText("to all");

            member.send(new JsonObject().put("type", "send").put("to", carol).put("text", "done"));
            sending.awaitText("done");
            assertThat(sending.messages()).extracting(m -> m.getString("text")).doesNotContain("in the room", "to all");
        }
    }

    @Test
    void withoutARefTheMessageIsStillNotWrittenBack() {
        String erin = uniqueUser("erin"), finn = uniqueUser("finn");
        try (var sending = TestSocket.open(base, "/ws/" + erin + "?echo=false"); var recipient = TestSocket.user(base, finn)) {
            sending.awaitType("welcome");
            sending.send(new JsonObject().put("type", "send").put("to", finn).put("text", "no ref"));
            recipient.awaitText("no ref");
            recipient.send(new JsonObject().put("type", "send").put("to", erin).put("text", "back"));
            sending.awaitText("back");
            assertThat(sending.messages()).extracting(m -> m.getString("text")).containsExactly("back");
            assertThat(sending.ofType("ack")).isEmpty();
        }
    }

    @Test
    void aBadEchoValueIsRefusedAtTheUpgradeAndTheEventStream() {
        assertThat(TestSocket.rejectedStatus(base, "/ws/ok?echo=no")).isEqualTo(400);
        EventStream.Answer refused = EventStream.refused(base, "/sse/ok?echo=0");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("'echo' must be true or false");
        try (var s = TestSocket.open(base, "/ws/" + uniqueUser("t") + "?echo=true")) {
            assertThat(s.awaitType("welcome").getString("type")).isEqualTo("welcome");
        }
    }

    @Test
    void anEventStreamWithoutEchoGetsItsMessageInThePostsAck() {
        String gus = uniqueUser("gus"), hal = uniqueUser("hal");
        try (var sse = EventStream.open(base, "/sse/" + gus + "?echo=false"); var recipient = TestSocket.user(base, hal)) {
            sse.awaitType("welcome");
            EventStream.Answer answer = sse.post(new JsonObject().put("type", "send").put("to", hal).put("text", "via post")
                    .put("ref", 7));
            assertThat(answer.status()).isEqualTo(200);
            JsonObject ack = answer.json();
            assertThat(ack.getJsonObject("message").getString("text")).isEqualTo("via post");
            assertThat(ack.getJsonObject("message").getLong("id")).isEqualTo(ack.getLong("id"));
            recipient.awaitText("via post");
            recipient.send(new JsonObject().put("type", "send").put("to", gus).put("text", "back over sse"));
            sse.awaitText("back over sse");
            assertThat(sse.frames()).filteredOn(f -> "message".equals(f.getString("type")))
                    .extracting(f -> f.getString("text")).containsExactly("back over sse");
        }
    }
}
