package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Direct, room and broadcast messages between real sockets, several users and several tabs. */
@QuarkusTest
class MessagingTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void directMessageReachesEveryTabOfTheRecipientAndTheSendersOtherTabs() {
        String alice = uniqueUser("alice"), bob = uniqueUser("bob");
        try (var alice1 = TestSocket.user(base, alice); var alice2 = TestSocket.user(base, alice);
                var bob1 = TestSocket.user(base, bob); var bob2 = TestSocket.user(base, bob)) {
            alice1.send(new JsonObject().put("type", "send").put("to", bob).put("text", "hi bob").put("ref", "r1"));

            for (TestSocket tab : new TestSocket[] { bob1, bob2, alice1, alice2 }) {
                JsonObject m = tab.awaitText("hi bob");
                assertThat(m.getString("from")).isEqualTo(alice);
                assertThat(m.getString("to")).isEqualTo(bob);
                assertThat(m.getString("kind")).isEqualTo("direct");
                assertThat(m.getLong("id")).isPositive();
                assertThat(m.getString("sentAt")).isNotBlank();
                assertThat(m.containsKey("room")).isFalse();
            }
            JsonObject ack = alice1.awaitType("ack");
            assertThat(ack.getString("ref")).isEqualTo("r1");
            assertThat(ack.getLong("id")).isEqualTo(alice1.awaitText("hi bob").getLong("id"));
        }
    }

    @Test
    void seedArticleFrameShapeIsAcceptedAsIs() {
        String a = uniqueUser("seed-a"), b = uniqueUser("seed-b");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            sa.send("{\"to_user\":\"" + b + "\",\"message\":\"hello from 2020\"}");
            JsonObject m = sb.awaitText("hello from 2020");
            assertThat(m.getString("from")).isEqualTo(a);
            assertThat(m.getString("kind")).isEqualTo("direct");
        }
    }

    @Test
    void trailingSlashPathOfTheSeedWorks() {
        String a = uniqueUser("slash");
        try (var s = TestSocket.open(base, "/ws/" + a + "/")) {
            assertThat(s.awaitType("welcome").getString("user")).isEqualTo(a);
        }
    }

    @Test
    void roomMessagesReachOnlyConnectionsThatJoined() {
        String room = uniqueUser("room");
        String a = uniqueUser("ra"), b = uniqueUser("rb"), c = uniqueUser("rc");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b); var sc = TestSocket.user(base, c)) {
            sa.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            sb.send(new JsonObject().put("type", "join").put("room", room).put("ref", 2));
            assertThat(sa.awaitType("ack").getString("room")).isEqualTo(room);
            sb.awaitType("ack");

            sa.send(new JsonObject().put("type", "send").put("room", room).put("text", "in the room"));
            for (TestSocket s : new TestSocket[] { sa, sb }) {
                JsonObject m = s.awaitText("in the room");
                assertThat(m.getString("room")).isEqualTo(room);
                assertThat(m.getString("kind")).isEqualTo("room");
                assertThat(m.getString("from")).isEqualTo(a);
            }
            // c never joined: a direct message sent afterwards arrives, the room message never did.
            sa.send(new JsonObject().put("type", "send").put("to", c).put("text", "marker"));
            sc.awaitText("marker");
            assertThat(sc.messages()).extracting(m -> m.getString("text")).containsExactly("marker");

            sb.send(new JsonObject().put("type", "leave").put("room", room).put("ref", "l"));
            sb.await(f -> "ack".equals(f.getString("type")) && "l".equals(f.getString("ref")));
            sa.send(new JsonObject().put("type", "send").put("room", room).put("text", "after leave"));
            sa.awaitText("after leave");
            sa.send(new JsonObject().put("type", "send").put("to", b).put("text", "marker2"));
            sb.awaitText("marker2");
            assertThat(sb.messages()).extracting(m -> m.getString("text")).doesNotContain("after leave");
        }
    }

    @Test
    void broadcastReachesEveryConnectedUser() {
        String a = uniqueUser("ba"), b = uniqueUser("bb");
        try (var sa = TestSocket.user(base, a); var sb1 = TestSocket.user(base, b); var sb2 = TestSocket.user(base, b)) {
            sb1.send(new JsonObject().put("type", "broadcast").put("text", "to all " + a).put("ref", "b"));
            for (TestSocket s : new TestSocket[] { sa, sb1, sb2 }) {
                JsonObject m = s.awaitText("to all " + a);
                assertThat(m.getString("kind")).isEqualTo("broadcast");
                assertThat(m.getString("from")).isEqualTo(b);
                assertThat(m.containsKey("to")).isFalse();
                assertThat(m.containsKey("room")).isFalse();
            }
            assertThat(sb1.awaitType("ack").getString("ref")).isEqualTo("b");
        }
    }

    @Test
    void idsIncreaseAlongEachUsersStream() {
        String a = uniqueUser("ida"), b = uniqueUser("idb");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            for (int i = 0; i < 20; i++) {
                sa.send(new JsonObject().put("type", "send").put("to", b).put("text", "n" + i));
            }
            var received = sb.awaitMessages(20);
            assertThat(received).extracting(m -> m.getString("text"))
                    .containsExactly(java.util.stream.IntStream.range(0, 20).mapToObj(i -> "n" + i).toArray(String[]::new));
            assertThat(received).extracting(m -> m.getLong("id")).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void invalidUserNamesAreRefusedAtTheUpgrade() {
        assertThat(TestSocket.rejectedStatus(base, "/ws/bad%20name")).isEqualTo(400);
        assertThat(TestSocket.rejectedStatus(base, "/ws/" + "x".repeat(65))).isEqualTo(400);
        assertThat(TestSocket.rejectedStatus(base, "/ws/%C3%A9t%C3%A9")).isEqualTo(400);
        assertThat(TestSocket.rejectedStatus(base, "/ws/ok?since=abc")).isEqualTo(400);
    }
}
