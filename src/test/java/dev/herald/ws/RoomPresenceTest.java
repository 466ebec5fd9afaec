package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import dev.herald.support.TestSocket.PresenceEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * Presence that scales (SPEC "Presence that scales"): a room's members hear who joins and leaves it, a connection
 * hears the users it watches, and a storm of arrivals is one diff frame per interval. Global presence is off here
 * (presence-limit 0), so every presence frame comes from a room or a watch.
 */
@QuarkusTest
@TestProfile(RoomPresenceTest.NoGlobalPresence.class)
class RoomPresenceTest {

    public static class NoGlobalPresence implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.delivery.presence-limit", "0", "herald.delivery.room-members-listed", "1000",
                    "herald.limits.rooms-per-connection", "3", "herald.limits.watched-per-connection", "3");
        }
    }

    @TestHTTPResource("/")
    URI base;

    private static JsonObject join(String room, Object ref) {
        return new JsonObject().put("type", "join").put("room", room).put("ref", ref);
    }

    private static JsonObject ackOf(TestSocket s, Object ref) {
        return s.await(f -> "ack".equals(f.getString("type")) && ref.equals(f.getValue("ref")));
    }

    @Test
    void aRoomsMembersHearAUsersFirstJoinAndLastLeaveAndTheAckNamesTheMembers() {
        String room = uniqueUser("room"), ann = uniqueUser("ann"), bob = uniqueUser("bob"), out = uniqueUser("out");
        try (var a = TestSocket.user(base, ann); var outsider = TestSocket.user(base, out)) {
            a.send(join(room, 1));
            assertThat(ackOf(a, 1).getJsonArray("members").getList()).containsExactly(ann);
            var tab1 = TestSocket.user(base, bob);
            var tab2 = TestSocket.user(base, bob);
            tab1.send(join(room, 2));
            JsonObject ack = ackOf(tab1, 2);
            assertThat(ack.getJsonArray("members").getList()).containsExactlyInAnyOrder(ann, bob);
            assertThat(ack.getInteger("memberCount")).isEqualTo(2);
            a.awaitPresence(bob, true, room);
            tab2.send(join(room, 3));
            ackOf(tab2, 3);
            given().get("/api/rooms/" + room).then().statusCode(200).body("count", equalTo(2))
                    .body("members", hasItems(ann, bob));
            tab1.close();
            tab2.send(new JsonObject().put("type", "leave").put("room", room).put("ref", 4));
            ackOf(tab2, 4);
            a.awaitPresence(bob, false, room);
            // One join and one leave: bob's second tab changed nothing for the room.
            assertThat(a.presence()).filteredOn(e -> bob.equals(e.user())).containsExactly(
                    new PresenceEvent(bob, true, room), new PresenceEvent(bob, false, room));
            assertThat(outsider.presence()).isEmpty();
            tab2.close();
        }
    }

    @Test
    void aConnectionHearsExactlyTheUsersItWatches() {
        String w = uniqueUser("w"), x = uniqueUser("x"), y = uniqueUser("y"), z = uniqueUser("z");
        try (var watcher = TestSocket.user(base, w); var sx = TestSocket.user(base, x)) {
            watcher.send(new JsonObject().put("type", "watch").put("users", List.of(x, y)).put("ref", 1));
            JsonObject ack = ackOf(watcher, 1);
            assertThat(ack.getJsonObject("online").getMap()).containsExactlyInAnyOrderEntriesOf(Map.of(x, true, y, false));
            var sz = TestSocket.user(base, z); // not watched
            var sy = TestSocket.user(base, y);
            watcher.awaitPresence(y, true);
            sz.close();
            sy.close();
            watcher.awaitPresence(y, false);
            assertThat(watcher.presence()).extracting(PresenceEvent::user).containsOnly(y);
            watcher.send(new JsonObject().put("type", "unwatch").put("users", List.of(y)).put("ref", 2));
            ackOf(watcher, 2);
            watcher.send(new JsonObject().put("type", "watch").put("users", List.of("a1", "a2", "a3")).put("ref", 3));
            assertThat(watcher.awaitError(3).getString("code")).isEqualTo("too_many_watched");
            watcher.send(new JsonObject().put("type", "watch").put("users", List.of("not a name")).put("ref", 4));
            assertThat(watcher.awaitError(4).getString("code")).isEqualTo("invalid_field");
        }
    }

    /**
     * A storm: 200 users connect and join one room as fast as they can. Each ends with the room's exact member set
     * (its join ack, then the room's presence frames), and the frames the members got together are far fewer than
     * one per arrival per member (members squared).
     */
    @Test
    void aStormIntoOneRoomIsOneDiffPerIntervalAndEveryoneEndsWithTheExactMembers() {
        String room = uniqueUser("storm");
        int n = 200;
        List<TestSocket> members = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                String user = uniqueUser("m" + i);
                TestSocket s = TestSocket.user(base, user);
                s.send(join(room, "j"));
                members.add(s);
                names.add(user);
            }
            for (TestSocket s : members) {
                ackOf(s, "j");
            }
            Set<String> everyone = new HashSet<>(names);
            Awaitility.await().until(() -> members.stream().allMatch(s -> memberSet(s, room).equals(everyone)));
            long frames = members.stream().mapToLong(s -> s.ofType("presence").size()).sum();
            assertThat(frames).as("presence frames to all members").isLessThan((long) n * n / 4);
        } finally {
            members.forEach(TestSocket::close);
        }
    }

    /** What a member knows of the room: its join ack's members, then every room presence change in order. */
    private static Set<String> memberSet(TestSocket s, String room) {
        JsonObject ack = s.frames().stream().filter(f -> "ack".equals(f.getString("type")) && "j".equals(f.getValue("ref")))
                .findFirst().orElseThrow();
        Set<String> set = new HashSet<>();
        ack.getJsonArray("members").forEach(m -> set.add((String) m));
        for (PresenceEvent e : s.presence()) {
            if (room.equals(e.room())) {
                if (e.online()) {
                    set.add(e.user());
                } else {
                    set.remove(e.user());
                }
            }
        }
        return set;
    }
}
