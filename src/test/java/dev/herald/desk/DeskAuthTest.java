package dev.herald.desk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.herald.probe.AuthOnProfile;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * The desk with production security on: a visitor signs up without a token and gets one that opens their own socket
 * only, which receives the conversation but sends nothing; the desk API wants a token; a visitor is no publisher.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class DeskAuthTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aVisitorsTokenOpensOnlyTheirOwnSocketWhichOnlyReceives() {
        JsonObject v = new JsonObject(given().post("/api/desk/visitors").then().statusCode(201).extract().asString());
        String visitor = v.getString("visitor"), token = v.getString("token");
        String other = new JsonObject(given().post("/api/desk/visitors").then().statusCode(201).extract().asString())
                .getString("visitor");
        assertThat(TestSocket.rejectedStatus(base, "/ws/" + other + "?token=" + token)).isEqualTo(401);

        String agent = "desk-auth-agent", agentToken = AuthOnProfile.token(agent, Set.of("agent"),
                Instant.now().plusSeconds(600));
        try (var agentSocket = TestSocket.open(base, "/ws/" + agent + "?token=" + agentToken);
                var socket = TestSocket.open(base, "/ws/" + visitor + "?token=" + token)) {
            agentSocket.awaitType("welcome");
            socket.awaitType("welcome");
            given().header("Authorization", AuthOnProfile.bearer(agentToken)).post("/api/desk/agents").then()
                    .statusCode(200);
            String id = given().header("Authorization", AuthOnProfile.bearer(token)).contentType(ContentType.JSON)
                    .body("{\"text\":\"hello\"}").post("/api/desk/conversations").then().statusCode(201)
                    .body("conversation.agent", equalTo(agent)).extract().path("conversation.id");
            // Lines written before the agent came are in the assignment's history.
            assertThat(agentSocket.await(f -> "assigned".equals(f.getString("event"))).getJsonArray("history")
                    .getJsonObject(0).getString("text")).isEqualTo("hello");
            given().header("Authorization", AuthOnProfile.bearer(agentToken)).contentType(ContentType.JSON)
                    .body("{\"text\":\"hi, how can I help?\"}").post("/api/desk/conversations/" + id + "/messages")
                    .then().statusCode(201);
            assertThat(socket.awaitText("hi, how can I help?").getString("conversation")).isEqualTo(id);

            // The visitor's socket sends nothing to anyone: each such frame is refused, the socket stays open.
            socket.send(new JsonObject().put("type", "send").put("to", agent).put("text", "behind the desk").put("ref", 1));
            assertThat(socket.awaitError(1).getString("code")).isEqualTo("forbidden");
            socket.send(new JsonObject().put("type", "broadcast").put("text", "all").put("ref", 2));
            assertThat(socket.awaitError(2).getString("code")).isEqualTo("forbidden");
            socket.send(new JsonObject().put("type", "join").put("room", "lobby").put("ref", 3));
            assertThat(socket.awaitError(3).getString("code")).isEqualTo("forbidden");
            socket.send(new JsonObject().put("type", "resume").put("since", 0).put("ref", 4));
            socket.await(f -> "ack".equals(f.getString("type")) && f.getInteger("ref", -1) == 4);
            assertThat(socket.isClosed()).isFalse();
            assertThat(agentSocket.messages()).extracting(m -> m.getString("text")).doesNotContain("behind the desk");

            // The desk API wants a token; a visitor is no publisher elsewhere either.
            given().get("/api/desk/conversations/" + id).then().statusCode(401);
            given().post("/api/desk/conversations").then().statusCode(401);
            given().header("Authorization", AuthOnProfile.bearer(token)).contentType(ContentType.JSON)
                    .body("{\"to\":\"" + agent + "\",\"text\":\"x\"}").post("/api/messages").then().statusCode(403);
            given().header("Authorization", AuthOnProfile.bearer(token)).get("/api/desk/conversations/" + id).then()
                    .statusCode(200).body("conversation.visitor", equalTo(visitor));
            // Dev agent tokens are only for users listed in herald.desk.agents (none here).
            given().get("/api/desk/dev/agent-token?agent=" + agent).then().statusCode(404);
        }
    }
}
