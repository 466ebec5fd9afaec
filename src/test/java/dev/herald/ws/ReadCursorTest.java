package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Read cursors (SPEC "Read cursors"): what one device has read is read everywhere, a new device asks for what is
 * unread, a sender learns that a direct message was read, and a back end can ask what stays unread.
 */
@QuarkusTest
class ReadCursorTest {

    @TestHTTPResource("/")
    URI base;

    private static JsonObject dm(String to, String text) {
        return new JsonObject().put("type", "send").put("to", to).put("text", text);
    }

    private static JsonObject read(long upTo, Object ref) {
        return new JsonObject().put("type", "read").put("upTo", upTo).put("ref", ref);
    }

    private static boolean acked(TestSocket s, Object ref) {
        return s.frames().stream().anyMatch(f -> "ack".equals(f.getString("type")) && ref.equals(f.getValue("ref")));
    }

    @Test
    void readingOnOneTabTellsTheOthersMovesOnlyForwardAndTheWelcomeCarriesIt() {
        String ann = uniqueUser("ann"), bob = uniqueUser("bob");
        try (var sender = TestSocket.user(base, ann); var laptop = TestSocket.user(base, bob);
                var phone = TestSocket.user(base, bob)) {
            for (int i = 0; i < 4; i++) {
                sender.send(dm(bob, "m" + i));
            }
            List<JsonObject> got = laptop.awaitMessages(4);
            phone.awaitMessages(4);
            long second = got.get(1).getLong("id"), last = got.get(3).getLong("id");
            laptop.send(read(second, 1));
            Awaitility.await().until(() -> acked(laptop, 1));
            JsonObject told = phone.awaitType("read");
            assertThat(told.getLong("upTo")).isEqualTo(second);
            assertThat(laptop.ofType("read")).as("not echoed to the tab that read").isEmpty();
            // Backwards is no move: acked, nobody told.
            laptop.send(read(got.get(0).getLong("id"), 2));
            laptop.send(read(last, 3));
            Awaitility.await().until(() -> acked(laptop, 3));
            phone.await(f -> "read".equals(f.getString("type")) && f.getLong("upTo") == last);
            assertThat(phone.ofType("read")).hasSize(2);
            // An id the stream never issued.
            laptop.send(read(last + 1_000_000, 4));
            JsonObject error = laptop.awaitError(4);
            assertThat(error.getString("code")).isEqualTo("invalid_field");

            sender.send(dm(bob, "unread 1"));
            sender.send(dm(bob, "unread 2"));
            phone.awaitText("unread 2");
            try (var tablet = TestSocket.user(base, bob)) {
                JsonObject welcome = tablet.frames().get(0);
                assertThat(welcome.getLong("readUpTo")).isEqualTo(last);
                assertThat(welcome.getInteger("unread")).isEqualTo(2);
            }
            given().get("/api/users/" + bob + "/cursor").then().statusCode(200).body("readUpTo", equalTo(last))
                    .body("unread", equalTo(2)).body("user", equalTo(bob));
        }
    }

    @Test
    void aNewDeviceAsksForWhatIsUnreadWithSinceRead() {
        String ann = uniqueUser("ann"), cid = uniqueUser("cid");
        try (var sender = TestSocket.user(base, ann)) {
            long readUpTo;
            try (var first = TestSocket.user(base, cid)) {
                for (int i = 0; i < 3; i++) {
                    sender.send(dm(cid, "old " + i));
                }
                readUpTo = first.awaitMessages(3).get(2).getLong("id");
                first.send(read(readUpTo, "r"));
                Awaitility.await().until(() -> acked(first, "r"));
                for (int i = 0; i < 2; i++) {
                    sender.send(dm(cid, "new " + i));
                }
                first.awaitText("new 1"); // delivered to the open tab: not in the mailbox any more
            }
            try (var device = TestSocket.open(base, "/ws/" + cid + "?since=read")) {
                assertThat(device.awaitType("welcome").getInteger("unread")).isEqualTo(2);
                assertThat(device.awaitMessages(2)).extracting(m -> m.getString("text")).containsExactly("new 0", "new 1");
            }
            try (var other = TestSocket.user(base, cid)) {
                other.send(new JsonObject().put("type", "resume").put("since", "read").put("ref", "x"));
                Awaitility.await().until(() -> acked(other, "x"));
                assertThat(other.messages()).extracting(m -> m.getString("text")).containsExactly("new 0", "new 1");
            }
        }
    }

    @Test
    void theSenderOfADirectMessageGetsOneReceiptEvenIfOfflineButRoomMessagesGetNone() {
        String ann = uniqueUser("ann"), dan = uniqueUser("dan"), room = uniqueUser("room");
        long copy, otherCopy;
        try (var sender = TestSocket.user(base, ann); var reader = TestSocket.user(base, dan)) {
            sender.send(dm(dan, "please read").put("ref", "p"));
            sender.send(dm(dan, "this too").put("ref", "q"));
            copy = sender.await(f -> "ack".equals(f.getString("type")) && "p".equals(f.getValue("ref"))).getLong("id");
            otherCopy = sender.await(f -> "ack".equals(f.getString("type")) && "q".equals(f.getValue("ref"))).getLong("id");
            sender.send(new JsonObject().put("type", "join").put("room", room).put("ref", "j1"));
            reader.send(new JsonObject().put("type", "join").put("room", room).put("ref", "j2"));
            Awaitility.await().until(() -> acked(sender, "j1") && acked(reader, "j2"));
            sender.send(new JsonObject().put("type", "send").put("room", room).put("text", "room talk"));
            long roomId = reader.awaitText("room talk").getLong("id");
            long firstId = reader.awaitText("please read").getLong("id");
            reader.send(read(firstId, 1));
            JsonObject receipt = sender.awaitType("receipt");
            assertThat(receipt.getString("by")).isEqualTo(dan);
            assertThat(receipt.getString("status")).isEqualTo("read");
            assertThat(receipt.getLong("messageId")).isEqualTo(copy);
            assertThat(receipt.getLong("id")).as("an entry of the sender's stream").isGreaterThan(otherCopy);
            sender.close();
            // The sender is offline: the next receipt waits in their stream. The room message earns none.
            reader.send(read(roomId, 2));
            Awaitility.await().until(() -> acked(reader, 2));
        }
        try (var back = TestSocket.open(base, "/ws/" + ann + "?since=" + otherCopy)) {
            back.awaitType("welcome");
            back.await(f -> "receipt".equals(f.getString("type")) && f.getLong("messageId") == otherCopy);
            assertThat(back.ofType("receipt")).extracting(r -> r.getLong("messageId")).containsExactly(copy, otherCopy);
        }
    }
}
