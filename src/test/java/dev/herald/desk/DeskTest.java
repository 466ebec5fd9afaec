package dev.herald.desk;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.json.JsonObject;

/**
 * The support desk over its API and the protocol: balanced assignment, the queue, take, transfer, close, an agent
 * who leaves, and every bad input (a visitor never reaches another conversation nor acts as an agent).
 */
@QuarkusTest
class DeskTest {

    static final String SECRET = "test-only-secret-0123456789abcdef-0123456789";

    @TestHTTPResource("/")
    URI base;

    /** A visitor: their id, token and socket. */
    record Visitor(String id, String token, TestSocket socket) {
    }

    /** An agent at the desk: their socket is open and their console registered. */
    record Agent(String id, String token, TestSocket socket) {
    }

    static String agentToken(String agent) {
        return Jwt.issuer("herald").subject(agent).groups(Set.of("agent")).expiresAt(Instant.now().plusSeconds(600))
                .signWithSecret(SECRET);
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    Visitor visitor() {
        JsonObject v = new JsonObject(given().post("/api/desk/visitors").then().statusCode(201).extract().asString());
        TestSocket s = TestSocket.user(base, v.getString("visitor"));
        return new Visitor(v.getString("visitor"), v.getString("token"), s);
    }

    Agent agent(String prefix) {
        String id = uniqueUser(prefix), token = agentToken(id);
        TestSocket s = TestSocket.user(base, id);
        given().header("Authorization", bearer(token)).post("/api/desk/agents").then().statusCode(200)
                .body("agent", equalTo(id));
        Awaitility.await().until(() -> atDesk().contains(id));
        return new Agent(id, token, s);
    }

    static List<String> atDesk() {
        return given().get("/api/desk/agents").then().statusCode(200).extract().jsonPath().getList("agent");
    }

    static JsonObject open(Visitor v, String text) {
        return new JsonObject(given().header("Authorization", bearer(v.token())).contentType(ContentType.JSON)
                .body(new JsonObject().put("text", text).encode()).post("/api/desk/conversations").then()
                .statusCode(201).extract().asString());
    }

    static ValidatableResponse say(String token, String id, String text) {
        return given().header("Authorization", bearer(token)).contentType(ContentType.JSON)
                .body(new JsonObject().put("text", text).encode()).post("/api/desk/conversations/" + id + "/messages")
                .then();
    }

    static ValidatableResponse act(String token, String id, String action, String body) {
        var request = given().header("Authorization", bearer(token)).contentType(ContentType.JSON);
        if (body != null) {
            request.body(body);
        }
        return request.post("/api/desk/conversations/" + id + "/" + action).then();
    }

    static JsonObject conversation(String id) {
        return new JsonObject(given().get("/api/desk/conversations/" + id).then().statusCode(200).extract().asString());
    }

    static JsonObject desk(TestSocket s, String event, String conversation) {
        return s.await(f -> "desk".equals(f.getString("type")) && event.equals(f.getString("event"))
                && (conversation == null || conversation.equals(f.getJsonObject("conversation").getString("id"))));
    }

    /** Each test starts with nobody at the desk and nothing open (the back office closes what a test left). */
    @BeforeEach
    @AfterEach
    void emptyDesk() {
        for (String id : given().get("/api/desk/conversations?limit=1000").then().statusCode(200).extract().jsonPath()
                .<String>getList("findAll { it.state != 'closed' }.id")) {
            given().post("/api/desk/conversations/" + id + "/close").then().statusCode(200);
        }
        Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() -> atDesk().isEmpty());
    }

    @Test
    void newConversationsGoToTheAgentWithFewestOpenTiesToWhoWaitedLongest() {
        Agent ann = agent("ann"), ben = agent("ben");
        Visitor v1 = visitor(), v2 = visitor(), v3 = visitor();
        try (var a = ann.socket(); var b = ben.socket(); var s1 = v1.socket(); var s2 = v2.socket(); var s3 = v3.socket()) {
            JsonObject c1 = open(v1, "hello, my order is late");
            assertThat(c1.getJsonObject("conversation").getString("agent")).isEqualTo(ann.id()); // both 0: ann waited longer
            JsonObject c2 = open(v2, "second");
            assertThat(c2.getJsonObject("conversation").getString("agent")).isEqualTo(ben.id()); // fewest
            JsonObject c3 = open(v3, "third");
            assertThat(c3.getJsonObject("conversation").getString("agent")).isEqualTo(ann.id()); // 1 each: ann assigned first
            String id1 = c1.getJsonObject("conversation").getString("id");

            // The agent got the assignment with the history, and the visitor was told who joined.
            JsonObject assigned = desk(a, "assigned", id1);
            assertThat(assigned.getJsonArray("history").getJsonObject(0).getString("text"))
                    .isEqualTo("hello, my order is late");
            assertThat(desk(s1, "joined", id1).getJsonObject("entry").getString("agent")).isEqualTo(ann.id());

            // Lines travel as desk messages in both parties' streams.
            say(ann.token(), id1, "let me look").statusCode(201).body("seq", equalTo(3)).body("from", equalTo(ann.id()));
            JsonObject line = s1.awaitText("let me look");
            assertThat(line.getString("kind")).isEqualTo("desk");
            assertThat(line.getString("conversation")).isEqualTo(id1);
            assertThat(line.getLong("entry")).isEqualTo(3);
            say(v1.token(), id1, "thanks").statusCode(201);
            assertThat(a.awaitText("thanks").getString("from")).isEqualTo(v1.id());
            // Nobody else heard them.
            assertThat(s2.messages()).extracting(m -> m.getString("text")).doesNotContain("let me look", "thanks");
            assertThat(b.messages()).extracting(m -> m.getString("text")).doesNotContain("let me look", "thanks");

            // Typing reaches the other party only.
            act(v1.token(), id1, "typing", null).statusCode(204);
            assertThat(desk(a, "typing", id1).getString("user")).isEqualTo(v1.id());

            // The agents see who is at the desk and their load.
            List<Integer> loads = given().get("/api/desk/agents").then().extract().jsonPath().getList("open");
            assertThat(loads).containsExactly(2, 1);
            // The back office reads the whole conversation, in order.
            assertThat(conversation(id1).getJsonArray("history").stream().map(e -> ((JsonObject) e))
                    .map(e -> e.getString("text", e.getString("event")))).containsExactly("hello, my order is late",
                            "joined", "let me look", "thanks");
        }
    }

    @Test
    void withNoAgentOnlineTheVisitorIsToldAndTheConversationWaitsUntilOneArrives() {
        Visitor v = visitor();
        try (var s = v.socket()) {
            JsonObject c = open(v, "anyone there?");
            String id = c.getJsonObject("conversation").getString("id");
            assertThat(c.getJsonObject("conversation").getString("state")).isEqualTo("queued");
            desk(s, "queued", id);
            say(v.token(), id, "I'll leave a message: call me back").statusCode(201);
            given().get("/api/desk/conversations?state=queued").then().statusCode(200).body("id", hasSize(1))
                    .body("[0].id", equalTo(id));

            Agent cat = agent("cat");
            try (var a = cat.socket()) {
                JsonObject assigned = desk(a, "assigned", id);
                assertThat(assigned.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("text")))
                        .contains("anyone there?", "I'll leave a message: call me back");
                assertThat(desk(s, "joined", id).getJsonObject("entry").getString("agent")).isEqualTo(cat.id());
                assertThat(conversation(id).getJsonObject("conversation").getString("state")).isEqualTo("assigned");
                given().get("/api/desk/conversations?state=queued").then().body("id", hasSize(0));
            }
        }
    }

    @Test
    void anAgentTakesTransfersAndClosesAndTheVisitorIsTold() {
        Visitor v = visitor();
        try (var s = v.socket()) {
            String id = open(v, "help").getJsonObject("conversation").getString("id");
            // An agent who is not at the desk yet takes it from the queue.
            String dan = uniqueUser("dan"), danToken = agentToken(dan);
            act(danToken, id, "take", null).statusCode(200).body("conversation.agent", equalTo(dan));
            act(danToken, id, "take", null).statusCode(409);
            desk(s, "joined", id);
            Agent eve = agent("eve");
            try (var e = eve.socket()) {
                act(danToken, id, "transfer", new JsonObject().put("agent", eve.id()).encode()).statusCode(200)
                        .body("conversation.agent", equalTo(eve.id()));
                JsonObject assigned = desk(e, "assigned", id);
                assertThat(assigned.getJsonArray("history").getJsonObject(0).getString("text")).isEqualTo("help");
                assertThat(desk(s, "left", id).getJsonObject("entry").getString("agent")).isEqualTo(dan);
                s.await(f -> "joined".equals(f.getString("event"))
                        && eve.id().equals(f.getJsonObject("entry").getString("agent")));
                // dan no longer holds it.
                say(danToken, id, "still me").statusCode(403);
                act(danToken, id, "close", null).statusCode(409);

                act(eve.token(), id, "close", null).statusCode(200).body("conversation.state", equalTo("closed"));
                desk(s, "closed", id);
                desk(e, "closed", id);
                act(eve.token(), id, "close", null).statusCode(409);
                say(v.token(), id, "hello?").statusCode(409);
                // A closed conversation is not the visitor's open one any more: a new one starts.
                assertThat(open(v, "new question").getJsonObject("conversation").getString("id")).isNotEqualTo(id);
            }
        }
    }

    @Test
    void anAgentOfflinePastTheGraceHasConversationsReassignedOrRequeued() {
        Agent fay = agent("fay"), gus = agent("gus");
        Visitor v = visitor();
        try (var s = v.socket(); var g = gus.socket()) {
            String id = open(v, "hi").getJsonObject("conversation").getString("id");
            assertThat(conversation(id).getJsonObject("conversation").getString("agent")).isEqualTo(fay.id());
            fay.socket().close();
            JsonObject assigned = desk(g, "assigned", id);
            assertThat(assigned.getJsonArray("history").getJsonObject(0).getString("text")).isEqualTo("hi");
            assertThat(desk(s, "left", id).getJsonObject("entry").getString("agent")).isEqualTo(fay.id());
            assertThat(conversation(id).getJsonObject("conversation").getString("agent")).isEqualTo(gus.id());
            Awaitility.await().until(() -> atDesk().equals(List.of(gus.id())));

            g.close();
            desk(s, "queued", id);
            Awaitility.await().until(() -> "queued".equals(conversation(id).getJsonObject("conversation")
                    .getString("state")));
        }
    }

    @Test
    void anAgentBackWithinTheGraceKeepsTheConversation() {
        Agent hal = agent("hal");
        Visitor v = visitor();
        try (var s = v.socket()) {
            String id = open(v, "hi").getJsonObject("conversation").getString("id");
            hal.socket().close();
            try (var again = TestSocket.user(base, hal.id())) {
                // Well past the test's 1 s grace, the conversation is still hal's, and nothing told the visitor otherwise.
                Awaitility.await().pollDelay(java.time.Duration.ofMillis(2500)).until(() -> true);
                assertThat(conversation(id).getJsonObject("conversation").getString("agent")).isEqualTo(hal.id());
                assertThat(s.ofType("desk")).extracting(f -> f.getString("event")).doesNotContain("left", "queued");
            }
        }
    }

    @Test
    void aVisitorReachesOnlyTheirOwnConversationAndNeverActsAsAnAgent() {
        Agent ivy = agent("ivy");
        Visitor v1 = visitor(), v2 = visitor();
        try (var a = ivy.socket(); var s1 = v1.socket(); var s2 = v2.socket()) {
            String id = open(v1, "private").getJsonObject("conversation").getString("id");
            String other = v2.token();
            given().header("Authorization", bearer(other)).get("/api/desk/conversations/" + id).then().statusCode(403)
                    .contentType("application/problem+json");
            say(other, id, "intruder").statusCode(403);
            act(other, id, "typing", null).statusCode(403);
            act(other, id, "take", null).statusCode(403);
            act(other, id, "close", null).statusCode(403);
            act(other, id, "transfer", new JsonObject().put("agent", "v-x").encode()).statusCode(403);
            act(v1.token(), id, "close", null).statusCode(403);
            given().header("Authorization", bearer(other)).get("/api/desk/conversations").then().statusCode(403);
            given().header("Authorization", bearer(other)).get("/api/desk/agents").then().statusCode(403);
            given().header("Authorization", bearer(other)).post("/api/desk/agents").then().statusCode(403);
            // An agent's token does not open conversations; a forged token is nobody.
            given().header("Authorization", bearer(ivy.token())).post("/api/desk/conversations").then().statusCode(403);
            given().header("Authorization", "Bearer forged").get("/api/desk/conversations/" + id).then()
                    .statusCode(401);
            // Nothing of that reached anyone, and the conversation is unchanged.
            JsonObject c = conversation(id);
            assertThat(c.getJsonObject("conversation").getString("agent")).isEqualTo(ivy.id());
            assertThat(c.getJsonArray("history").stream().map(e -> ((JsonObject) e).getString("text", "")))
                    .doesNotContain("intruder");
            assertThat(a.messages()).extracting(m -> m.getString("text")).doesNotContain("intruder");
        }
    }

    @Test
    void badInputGetsAClearErrorAndChangesNothing() {
        Agent jay = agent("jay");
        Visitor v = visitor();
        try (var a = jay.socket(); var s = v.socket()) {
            String id = open(v, "hi").getJsonObject("conversation").getString("id");
            say(v.token(), id, "").statusCode(400).body("field", equalTo("text"));
            say(v.token(), id, "x".repeat(201)).statusCode(400).body("field", equalTo("text"));
            given().header("Authorization", bearer(v.token())).contentType(ContentType.JSON).body("{\"text\":\"a\"")
                    .post("/api/desk/conversations/" + id + "/messages").then().statusCode(400);
            say(v.token(), "c-nope", "hi").statusCode(404);
            given().get("/api/desk/conversations/c-nope").then().statusCode(404);
            given().get("/api/desk/conversations/../../etc").then().statusCode(404);
            given().get("/api/desk/conversations?state=open").then().statusCode(400).body("field", equalTo("state"));
            given().get("/api/desk/conversations?limit=0").then().statusCode(400).body("field", equalTo("limit"));
            act(jay.token(), id, "transfer", "{}").statusCode(400).body("field", equalTo("agent"));
            act(jay.token(), id, "transfer", new JsonObject().put("agent", "nobody-here").encode()).statusCode(400)
                    .body("field", equalTo("agent"));
            act(jay.token(), id, "transfer", new JsonObject().put("agent", jay.id()).encode()).statusCode(400)
                    .body("field", equalTo("agent"));
            act(jay.token(), id, "transfer", new JsonObject().put("agent", "bad name!").encode()).statusCode(400)
                    .body("field", equalTo("agent"));
            // Only the first line and the join are there; the conversation is still jay's.
            JsonObject c = conversation(id);
            assertThat(c.getJsonArray("history")).hasSize(2);
            assertThat(c.getJsonObject("conversation").getString("agent")).isEqualTo(jay.id());
            say(v.token(), id, "still works").statusCode(201);
            a.awaitText("still works");
        }
    }
}
