package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Welcome, presence events on a user's first open and last close, and GET /api/users. */
@QuarkusTest
class PresenceTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void welcomeNamesTheUserTheConnectionAndWhoIsOnline() {
        String a = uniqueUser("wa"), b = uniqueUser("wb");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.open(base, "/ws/" + b)) {
            JsonObject welcome = sb.awaitType("welcome");
            assertThat(welcome.getString("user")).isEqualTo(b);
            assertThat(welcome.getString("connectionId")).isNotBlank();
            assertThat(welcome.getJsonArray("online").getList()).contains(a, b);
            assertThat(welcome.getLong("lastMessageId")).isNotNull();
            assertThat(sb.frames().get(0).getString("type")).isEqualTo("welcome");
        }
    }

    @Test
    void presenceOnFirstOpenAndLastCloseOnly() {
        String watcher = uniqueUser("watch"), carol = uniqueUser("carol");
        try (var w = TestSocket.user(base, watcher)) {
            var tab1 = TestSocket.user(base, carol);
            w.awaitPresence(carol, true);
            var tab2 = TestSocket.user(base, carol);
            given().get("/api/users").then().statusCode(200)
                    .body("find { it.user == '" + carol + "' }.connections", org.hamcrest.Matchers.is(2));

            tab1.close();
            // Once the server has seen the close, the second tab keeps carol online: a message still reaches her,
            // and no offline event came.
            org.awaitility.Awaitility.await().until(() -> given().get("/api/users").then().extract()
                    .<Integer>path("find { it.user == '" + carol + "' }.connections") == 1);
            w.send(new JsonObject().put("type", "send").put("to", carol).put("text", "still there?"));
            tab2.awaitText("still there?");
            // Presence is sent in order, an interval at a time: once a later arrival is told, a wrong offline event
            // for carol would have been told too.
            try (var later = TestSocket.user(base, uniqueUser("later"))) {
                w.awaitPresence(later.frames().get(0).getString("user"), true);
            }
            assertThat(presenceOf(w, carol, false)).isZero();

            tab2.close();
            w.awaitPresence(carol, false);
            assertThat(presenceOf(w, carol, true)).isEqualTo(1);
            given().get("/api/users").then().statusCode(200).body("user", not(hasItem(carol)));
        }
    }

    private static long presenceOf(TestSocket s, String user, boolean online) {
        return s.presence().stream().filter(e -> user.equals(e.user()) && e.online() == online).count();
    }
}
