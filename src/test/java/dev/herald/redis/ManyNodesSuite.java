package dev.herald.redis;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.herald.support.HeraldSite;
import dev.herald.support.TestSocket;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * One site on two Herald nodes and Redis behaves as one process (SPEC "Engines"): a user's tabs on two nodes, direct,
 * room and broadcast messages across nodes, presence and GET /api/users the same everywhere, resuming on another
 * node than the one that delivered, and a node hearing only the traffic of the users it hosts. Run on a standalone
 * Redis and on a three-master Redis Cluster by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ManyNodesSuite {

    static final String DESK_SECRET = "many-nodes-desk-secret-0123456789abcdef";

    HeraldSite site;

    /** Starts Redis; returns quarkus.redis.hosts for it. */
    abstract String startRedis();

    abstract void stopRedis();

    @BeforeAll
    void start() {
        // The secret signs the support desk's visitor tokens (authentication stays off).
        site = HeraldSite.start(getClass().getSimpleName(), startRedis(), 2, "-Dherald.auth.secret=" + DESK_SECRET,
                "-Dherald.desk.grace=1s");
    }

    @AfterAll
    void stop() {
        if (site != null) {
            site.close();
        }
        stopRedis();
    }

    URI a() {
        return site.base(0);
    }

    URI b() {
        return site.base(1);
    }

    private static JsonObject send(String to, String text, Object ref) {
        return new JsonObject().put("type", "send").put("to", to).put("text", text).put("ref", ref);
    }

    @Test
    void aUsersTabsOnTwoNodesGetTheSameMessagesWithTheSameIds() {
        String bob = uniqueUser("bob"), ann = uniqueUser("ann");
        try (var tabOnA = TestSocket.user(a(), bob); var tabOnB = TestSocket.user(b(), bob);
                var sender = TestSocket.user(b(), ann)) {
            for (int i = 0; i < 20; i++) {
                sender.send(send(bob, "m" + i, i));
            }
            List<JsonObject> onA = tabOnA.awaitMessages(20), onB = tabOnB.awaitMessages(20);
            assertThat(onA).extracting(m -> m.getString("text")).containsExactly(onB.stream()
                    .map(m -> m.getString("text")).toArray(String[]::new));
            assertThat(onA).extracting(m -> m.getLong("id")).isSorted().doesNotHaveDuplicates()
                    .containsExactlyElementsOf(onB.stream().map(m -> m.getLong("id")).toList());
            // What one tab sends reaches the user's tab on the other node too.
            tabOnA.send(send(ann, "from a", "x"));
            sender.awaitText("from a");
            tabOnB.awaitText("from a");
        }
    }

    @Test
    void aTabWithoutEchoGetsItsMessagesInItsAcksWhileTheUsersTabOnTheOtherNodeGetsThemAsFrames() {
        String ann = uniqueUser("ann"), bob = uniqueUser("bob"), room = uniqueUser("room");
        try (var sending = TestSocket.open(a(), "/ws/" + ann + "?echo=false"); var otherTab = TestSocket.user(b(), ann);
                var recipient = TestSocket.user(b(), bob)) {
            sending.awaitType("welcome");
            sending.send(send(bob, "no echo", "d"));
            JsonObject ack = sending.await(f -> "ack".equals(f.getString("type")) && "d".equals(f.getString("ref")));
            assertThat(ack.getJsonObject("message").getLong("id")).isEqualTo(ack.getLong("id"));
            assertThat(otherTab.awaitText("no echo")).isEqualTo(ack.getJsonObject("message"));
            recipient.awaitText("no echo");

            for (var s : List.of(sending, recipient)) {
                s.send(new JsonObject().put("type", "join").put("room", room).put("ref", "j"));
                s.await(f -> "ack".equals(f.getString("type")) && "j".equals(f.getString("ref")));
            }
            sending.send(new JsonObject().put("type", "send").put("room", room).put("text", "room, no echo").put("ref", "r"));
            JsonObject roomAck = sending.await(f -> "ack".equals(f.getString("type")) && "r".equals(f.getString("ref")));
            assertThat(roomAck.getJsonObject("message").getString("room")).isEqualTo(room);
            recipient.awaitText("room, no echo");

            // Ann's stream carries her entries to node a in id order: the answer comes after where her copies would be.
            recipient.send(send(ann, "answer", "x"));
            sending.awaitText("answer");
            assertThat(sending.messages()).extracting(m -> m.getString("text")).containsExactly("answer");
        }
    }

    @Test
    void roomAndBroadcastMessagesCrossNodes() {
        String room = uniqueUser("room"), x = uniqueUser("x"), y = uniqueUser("y"), z = uniqueUser("z");
        try (var onA = TestSocket.user(a(), x); var onB = TestSocket.user(b(), y); var outside = TestSocket.user(b(), z)) {
            onA.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            onB.send(new JsonObject().put("type", "join").put("room", room).put("ref", 2));
            onA.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(1).equals(f.getValue("ref")));
            onB.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(2).equals(f.getValue("ref")));
            onB.send(new JsonObject().put("type", "send").put("room", room).put("text", "hello room").put("ref", 3));
            onA.awaitText("hello room");
            onB.awaitText("hello room");
            // Not a member: a room message on another node is no concern of z.
            onA.send(new JsonObject().put("type", "send").put("to", z).put("text", "marker"));
            outside.awaitText("marker");
            assertThat(outside.messages()).extracting(m -> m.getString("text")).doesNotContain("hello room");
            // A room nobody joined, asked from a node where no member is: unknown_room.
            outside.send(new JsonObject().put("type", "send").put("room", uniqueUser("nobody")).put("text", "?").put("ref", 4));
            assertThat(outside.awaitError(4).getString("code")).isEqualTo("unknown_room");
            outside.send(new JsonObject().put("type", "send").put("room", room).put("text", "?").put("ref", 5));
            assertThat(outside.awaitError(5).getString("code")).isEqualTo("not_in_room");

            onA.send(new JsonObject().put("type", "broadcast").put("text", "everyone, " + x));
            for (TestSocket s : List.of(onA, onB, outside)) {
                s.awaitText("everyone, " + x);
            }
            given().baseUri(b().toString()).contentType(ContentType.JSON)
                    .body(new JsonObject().put("room", room).put("text", "pushed to the room").encode())
                    .post("/api/messages").then().statusCode(201).body("recipients", org.hamcrest.Matchers.is(2));
            onA.awaitText("pushed to the room");
            onB.awaitText("pushed to the room");
        }
    }

    @Test
    void presenceAndTheOnlineListAgreeOnEveryNode() {
        String watcher = uniqueUser("watch"), carol = uniqueUser("carol");
        try (var w = TestSocket.user(a(), watcher)) {
            var tab1 = TestSocket.user(b(), carol);
            w.awaitPresence(carol, true);
            var tab2 = TestSocket.user(a(), carol);
            for (URI node : List.of(a(), b())) {
                Awaitility.await().until(() -> connections(node, carol) == 2);
            }
            tab1.close();
            for (URI node : List.of(a(), b())) {
                Awaitility.await().until(() -> connections(node, carol) == 1);
            }
            tab2.close();
            w.awaitPresence(carol, false);
            assertThat(w.presence().stream().filter(e -> carol.equals(e.user())).map(e -> e.online()))
                    .containsExactly(true, false);
            for (URI node : List.of(a(), b())) {
                Awaitility.await().until(() -> connections(node, carol) == 0);
            }
        }
    }

    static int connections(URI node, String user) {
        Integer n = given().baseUri(node.toString()).queryParam("limit", 1000).get("/api/users").then().statusCode(200)
                .extract().path("find { it.user == '" + user + "' }.connections");
        return n == null ? 0 : n;
    }

    @Test
    void reconnectingToAnotherNodeResumesWithNoGapAndNoDuplicate() {
        String dana = uniqueUser("dana"), eve = uniqueUser("eve");
        try (var sender = TestSocket.user(a(), eve)) {
            long seen;
            try (var first = TestSocket.user(a(), dana)) {
                for (int i = 0; i < 5; i++) {
                    sender.send(send(dana, "before " + i, i));
                }
                seen = first.awaitMessages(5).get(2).getLong("id"); // it saw three, then dropped
            }
            for (int i = 0; i < 5; i++) {
                sender.send(send(dana, "away " + i, 10 + i));
            }
            sender.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(14).equals(f.getValue("ref")));
            try (var back = TestSocket.open(b(), "/ws/" + dana + "?since=" + seen)) {
                assertThat(back.awaitType("welcome").getBoolean("gap")).isFalse();
                List<JsonObject> got = back.awaitMessages(7);
                assertThat(got).extracting(m -> m.getString("text")).containsExactly("before 3", "before 4",
                        "away 0", "away 1", "away 2", "away 3", "away 4");
                // The resume frame on yet another node replays the same ids.
                try (var other = TestSocket.user(a(), dana)) {
                    other.send(new JsonObject().put("type", "resume").put("since", seen).put("ref", "r"));
                    other.await(f -> "r".equals(f.getValue("ref")));
                    assertThat(other.awaitMessages(7)).extracting(m -> m.getLong("id"))
                            .containsExactlyElementsOf(got.stream().map(m -> m.getLong("id")).toList());
                }
            }
        }
    }

    /** SPEC: a node receives only the traffic for users that have a connection on it (broadcasts aside). */
    @Test
    void aNodeHearsOnlyTheTrafficOfTheUsersItHosts() {
        String u1 = uniqueUser("u1"), u2 = uniqueUser("u2"), v1 = uniqueUser("v1");
        try (var onA1 = TestSocket.user(a(), u1); var onA2 = TestSocket.user(a(), u2); var onB = TestSocket.user(b(), v1)) {
            onA1.send(send(u2, "warm up", "w"));
            onA2.awaitText("warm up");
            Awaitility.await().until(() -> onA1.ofType("ack").size() == 1);
            double aBefore = site.metric(0, "herald_redis_received_total", "kind=\"entry\"");
            double bBefore = site.metric(1, "herald_redis_received_total", "kind=\"entry\"");
            for (int i = 0; i < 30; i++) {
                onA1.send(send(u2, "local " + i, i));
            }
            onA2.awaitMessages(31);
            Awaitility.await().until(() -> onA1.ofType("ack").size() == 31);
            // 30 entries in u2's stream and 30 sender copies in u1's: both users are on A, and only A hears them.
            Awaitility.await().until(() -> site.metric(0, "herald_redis_received_total", "kind=\"entry\"") - aBefore == 60);
            assertThat(site.metric(1, "herald_redis_received_total", "kind=\"entry\"")).isEqualTo(bBefore);
            onA1.send(send(v1, "across", "c"));
            onB.awaitText("across");
            Awaitility.await().until(() -> site.metric(1, "herald_redis_received_total", "kind=\"entry\"") - bBefore == 1);
        }
    }

    /** SPEC "Read cursors", across nodes: one cursor per user for the whole site. */
    @Test
    void theReadCursorIsOnePerUserForTheWholeSiteAndReceiptsCrossNodes() {
        String ann = uniqueUser("ann"), bob = uniqueUser("bob");
        try (var sender = TestSocket.user(a(), ann); var laptop = TestSocket.user(a(), bob);
                var phone = TestSocket.user(b(), bob)) {
            sender.send(send(bob, "read me", "r"));
            long copy = sender.await(f -> "ack".equals(f.getString("type")) && "r".equals(f.getValue("ref"))).getLong("id");
            long id = phone.awaitText("read me").getLong("id");
            sender.send(send(bob, "later", "l"));
            phone.awaitText("later");
            phone.send(new JsonObject().put("type", "read").put("upTo", id).put("ref", 1));
            assertThat(laptop.awaitType("read").getLong("upTo")).isEqualTo(id);
            assertThat(sender.awaitType("receipt").getLong("messageId")).isEqualTo(copy);
            for (URI node : List.of(a(), b())) {
                given().baseUri(node.toString()).get("/api/users/" + bob + "/cursor").then().statusCode(200)
                        .body("readUpTo", org.hamcrest.Matchers.is(id)).body("unread", org.hamcrest.Matchers.is(1));
            }
            try (var tablet = TestSocket.open(b(), "/ws/" + bob + "?since=read")) {
                assertThat(tablet.awaitType("welcome").getInteger("unread")).isEqualTo(1);
                assertThat(tablet.awaitMessages(1)).extracting(m -> m.getString("text")).containsExactly("later");
            }
        }
    }

    /** SPEC "Presence that scales", across nodes: room presence, the join ack's members, watched users. */
    @Test
    void roomPresenceAndWatchedUsersWorkAcrossNodes() {
        String room = uniqueUser("room"), ann = uniqueUser("ann"), bob = uniqueUser("bob"), w = uniqueUser("w");
        try (var onA = TestSocket.user(a(), ann); var watcher = TestSocket.user(a(), w)) {
            onA.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            onA.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(1).equals(f.getValue("ref")));
            watcher.send(new JsonObject().put("type", "watch").put("users", List.of(bob)).put("ref", 2));
            JsonObject watching = watcher.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(2).equals(f.getValue("ref")));
            assertThat(watching.getJsonObject("online").getBoolean(bob)).isFalse();
            var onB = TestSocket.user(b(), bob);
            watcher.awaitPresence(bob, true);
            onB.send(new JsonObject().put("type", "join").put("room", room).put("ref", 3));
            JsonObject ack = onB.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(3).equals(f.getValue("ref")));
            assertThat(ack.getJsonArray("members").getList()).containsExactlyInAnyOrder(ann, bob);
            onA.awaitPresence(bob, true, room);
            for (URI node : List.of(a(), b())) {
                given().baseUri(node.toString()).get("/api/rooms/" + room).then().statusCode(200)
                        .body("count", org.hamcrest.Matchers.is(2));
            }
            onB.close();
            onA.awaitPresence(bob, false, room);
            watcher.awaitPresence(bob, false);
        }
    }

    private static io.restassured.response.ValidatableResponse taskEvent(URI node, String id, JsonObject body) {
        return given().baseUri(node.toString()).contentType(ContentType.JSON).body(body.encode())
                .post("/api/tasks/" + id + "/events").then();
    }

    /**
     * SPEC "Task progress", across nodes: a job reports to one node (and, behind a load balancer, to another), the
     * owner's tab on another node sees every event live, and every node reads the whole log back and refuses bad
     * events the same way.
     */
    @Test
    void aTaskReportedToOneNodeIsLiveAndReadableOnEveryNode() {
        String owner = uniqueUser("ops");
        try (var tabOnB = TestSocket.user(b(), owner)) {
            String id = given().baseUri(a().toString()).contentType(ContentType.JSON)
                    .body(new JsonObject().put("owner", owner).put("title", "update game servers").put("total", 3).encode())
                    .post("/api/tasks").then().statusCode(201).body("status", org.hamcrest.Matchers.is("running"))
                    .extract().path("id");
            taskEvent(a(), id, new JsonObject().put("progress", 1).put("line", "host-1 updated")).statusCode(201)
                    .body("percent", org.hamcrest.Matchers.is(33));
            taskEvent(b(), id, new JsonObject().put("progress", 2).put("line", "host-2 updated")).statusCode(201)
                    .body("percent", org.hamcrest.Matchers.is(66));
            taskEvent(a(), id, new JsonObject().put("progress", 3).put("line", "all done").put("status", "succeeded"))
                    .statusCode(201).body("status", org.hamcrest.Matchers.is("succeeded"));

            JsonObject done = tabOnB.await(f -> "task".equals(f.getString("type"))
                    && "succeeded".equals(f.getJsonObject("task").getString("status")));
            assertThat(done.getJsonObject("task").getInteger("percent")).isEqualTo(100);
            assertThat(done.getJsonObject("event").getString("line")).isEqualTo("all done");
            Awaitility.await().until(() -> tabOnB.ofType("task").size() == 4);
            assertThat(tabOnB.ofType("task")).extracting(f -> f.getJsonObject("event").getInteger("seq"))
                    .containsExactlyInAnyOrder(1, 2, 3, 4);

            for (URI node : List.of(a(), b())) {
                given().baseUri(node.toString()).get("/api/tasks/" + id).then().statusCode(200)
                        .body("owner", org.hamcrest.Matchers.is(owner)).body("progress", org.hamcrest.Matchers.is(3))
                        .body("status", org.hamcrest.Matchers.is("succeeded"))
                        .body("events.seq", org.hamcrest.Matchers.contains(1, 2, 3, 4))
                        .body("events.line", org.hamcrest.Matchers.contains("created", "host-1 updated",
                                "host-2 updated", "all done"));
                given().baseUri(node.toString()).get("/api/tasks?owner=" + owner).then().statusCode(200)
                        .body("id", org.hamcrest.Matchers.contains(id)).body("[0].events", org.hamcrest.Matchers.hasSize(4));
                // Bad events: the same problem from every node, and nothing else lost or sent.
                taskEvent(node, "no-such-task", new JsonObject().put("progress", 1)).statusCode(404)
                        .contentType("application/problem+json").body("detail", org.hamcrest.Matchers.is("no task no-such-task"));
                taskEvent(node, id, new JsonObject().put("line", "too late")).statusCode(409)
                        .contentType("application/problem+json")
                        .body("detail", org.hamcrest.Matchers.is("task " + id + " has already succeeded"));
                taskEvent(node, id, new JsonObject().put("progress", 4)).statusCode(400)
                        .body("field", org.hamcrest.Matchers.is("progress"));
            }
            given().baseUri(b().toString()).get("/api/tasks/" + id).then().body("events", org.hamcrest.Matchers.hasSize(4));
            // A marker sent after the refused events arrives after any frame they could have caused: there were none.
            tabOnB.send(new JsonObject().put("type", "send").put("to", owner).put("text", "marker"));
            tabOnB.awaitText("marker");
            assertThat(tabOnB.ofType("task")).hasSize(4);
        }
    }

    private static String deskAgent(URI node, String agent) {
        String token = io.smallrye.jwt.build.Jwt.issuer("herald").subject(agent).groups(java.util.Set.of("agent"))
                .expiresAt(java.time.Instant.now().plusSeconds(600)).signWithSecret(DESK_SECRET);
        given().baseUri(node.toString()).header("Authorization", "Bearer " + token).post("/api/desk/agents").then()
                .statusCode(200);
        return token;
    }

    private static List<String> deskEvents(URI node, String id) {
        return given().baseUri(node.toString()).get("/api/desk/conversations/" + id).then().statusCode(200).extract()
                .jsonPath().getList("history.collect { (it.event ?: 'line') + ':' + (it.agent ?: it.text) }");
    }

    @Test
    void theSupportDeskIsOneDeskAcrossNodes() {
        String ann = uniqueUser("ann"), ben = uniqueUser("ben");
        JsonObject visitor = new JsonObject(given().baseUri(a().toString()).post("/api/desk/visitors").then()
                .statusCode(201).extract().asString());
        String v = visitor.getString("visitor"), vToken = visitor.getString("token");
        try (var annTab = TestSocket.user(a(), ann); var benTab = TestSocket.user(b(), ben);
                var visitorTab = TestSocket.user(b(), v)) {
            String annToken = deskAgent(a(), ann);
            deskAgent(b(), ben);
            Awaitility.await().until(() -> given().baseUri(b().toString()).get("/api/desk/agents").then().extract()
                    .jsonPath().getList("agent").containsAll(List.of(ann, ben)));
            // Opened through node a: ann waited longest; the visitor's tab is on node b.
            String id = given().baseUri(a().toString()).header("Authorization", "Bearer " + vToken)
                    .contentType(ContentType.JSON).body("{\"text\":\"hello desk\"}").post("/api/desk/conversations")
                    .then().statusCode(201).extract().path("conversation.id");
            annTab.await(f -> "assigned".equals(f.getString("event")));
            given().baseUri(a().toString()).header("Authorization", "Bearer " + annToken).contentType(ContentType.JSON)
                    .body("{\"text\":\"ann here\"}").post("/api/desk/conversations/" + id + "/messages").then()
                    .statusCode(201);
            assertThat(visitorTab.awaitText("ann here").getString("conversation")).isEqualTo(id);

            // ann leaves: both nodes hear it, and the conversation goes to ben exactly once.
            annTab.close();
            benTab.await(f -> "assigned".equals(f.getString("event")) && id.equals(f.getJsonObject("conversation")
                    .getString("id")));
            Awaitility.await().until(() -> deskEvents(a(), id).contains("joined:" + ben));
            assertThat(deskEvents(b(), id)).containsExactly("line:hello desk", "joined:" + ann, "line:ann here",
                    "left:" + ann, "joined:" + ben);
            assertThat(deskEvents(a(), id)).isEqualTo(deskEvents(b(), id));
            given().baseUri(a().toString()).get("/api/desk/conversations?state=assigned").then().statusCode(200)
                    .body("findAll { it.id == '" + id + "' }.agent", org.hamcrest.Matchers.contains(ben));
        }
    }
}
