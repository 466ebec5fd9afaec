package dev.herald.ws;

import static dev.herald.support.TestSocket.online;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.SilentClient;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Limits of the test profile: 5 connections per user, 3 rooms per connection, 1.5 s of silence. */
@QuarkusTest
class LimitsTest {

    @TestHTTPResource("/")
    URI base;


    @Test
    void connectionsPerUserAreCappedAtTheUpgrade() {
        String eve = uniqueUser("eve");
        List<TestSocket> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                tabs.add(TestSocket.user(base, eve));
            }
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + eve)).isEqualTo(429);
            tabs.remove(0).close();
            Awaitility.await().until(() -> given().get("/api/users").then().extract()
                    .<Integer>path("find { it.user == '" + eve + "' }.connections") == 4);
            tabs.add(TestSocket.user(base, eve));
        } finally {
            tabs.forEach(TestSocket::close);
        }
    }

    @Test
    void roomsPerConnectionAreCapped() {
        String fin = uniqueUser("fin");
        try (var s = TestSocket.user(base, fin)) {
            for (int i = 1; i <= 3; i++) {
                s.send(new JsonObject().put("type", "join").put("room", fin + "-r" + i).put("ref", i));
            }
            s.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(3).equals(f.getValue("ref")));
            s.send(new JsonObject().put("type", "join").put("room", fin + "-r4").put("ref", 4));
            assertThat(s.awaitError(4).getString("code")).isEqualTo("too_many_rooms");
            // Re-joining a room it is in is no new room.
            s.send(new JsonObject().put("type", "join").put("room", fin + "-r1").put("ref", 5));
            s.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(5).equals(f.getValue("ref")));
        }
    }

    @Test
    void aPeerThatAnswersNoPingsIsDroppedAsDeadWhileALiveOneStays() throws Exception {
        String ghost = uniqueUser("ghost"), live = uniqueUser("live");
        try (var s = TestSocket.user(base, live); var dead = SilentClient.open(base, "/ws/" + ghost)) {
            Awaitility.await().until(() -> online(ghost));
            Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !online(ghost));
            // The live client was connected longer than the idle timeout and answered the pings: still here.
            assertThat(online(live)).isTrue();
            s.send(new JsonObject().put("type", "send").put("to", live).put("text", "alive"));
            s.awaitText("alive");
        }
    }
}
