package dev.herald.api;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** POST /api/messages without a time pushes at once, through the same streams as socket messages. */
@QuarkusTest
class PushApiTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void pushToAUserReachesAllTabsAndReturnsTheStoredMessage() {
        String ivy = uniqueUser("ivy");
        try (var t1 = TestSocket.user(base, ivy); var t2 = TestSocket.user(base, ivy)) {
            String id = given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", ivy).put("text", "from the back end").encode())
                    .post("/api/messages")
                    .then().statusCode(201)
                    .body("status", equalTo("delivered"))
                    .body("to", equalTo(ivy))
                    .body("recipients", equalTo(1))
                    .body("deliveredAt", notNullValue())
                    .extract().path("id");
            for (TestSocket t : new TestSocket[] { t1, t2 }) {
                JsonObject m = t.awaitText("from the back end");
                assertThat(m.getString("kind")).isEqualTo("direct");
                assertThat(m.getString("from")).isEqualTo("herald");
            }
            given().get("/api/messages/" + id).then().statusCode(200).body("status", equalTo("delivered"));
        }
    }

    @Test
    void pushToARoomAndToEveryone() {
        String room = uniqueUser("news"), a = uniqueUser("ja"), b = uniqueUser("jb");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            sa.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            sa.awaitType("ack");
            given().contentType(ContentType.JSON).body(new JsonObject().put("room", room).put("text", "room news").encode())
                    .post("/api/messages").then().statusCode(201).body("room", equalTo(room));
            assertThat(sa.awaitText("room news").getString("kind")).isEqualTo("room");

            given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("broadcast", true).put("text", "all " + room).encode())
                    .post("/api/messages").then().statusCode(201).body("broadcast", equalTo(true));
            assertThat(sa.awaitText("all " + room).getString("kind")).isEqualTo("broadcast");
            sb.awaitText("all " + room);
            assertThat(sb.messages()).extracting(m -> m.getString("text")).containsExactly("all " + room);
        }
    }

    @Test
    void pushToAnOfflineUserWaitsInTheMailbox() {
        String kim = uniqueUser("kim");
        given().contentType(ContentType.JSON).body(new JsonObject().put("to", kim).put("text", "while you were out").encode())
                .post("/api/messages").then().statusCode(201).body("recipients", equalTo(1));
        try (var k = TestSocket.open(base, "/ws/" + kim)) {
            k.awaitText("while you were out");
        }
    }

    @Test
    void usersEndpointListsConnectionCounts() {
        String lee = uniqueUser("lee");
        try (var t1 = TestSocket.user(base, lee); var t2 = TestSocket.user(base, lee)) {
            given().get("/api/users").then().statusCode(200)
                    .body("find { it.user == '" + lee + "' }.connections", equalTo(2));
        }
    }
}
