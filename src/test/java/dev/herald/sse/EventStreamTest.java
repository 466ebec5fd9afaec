package dev.herald.sse;

import static dev.herald.support.TestSocket.online;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.EventStream;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The Server-Sent Events transport over real HTTP: {@code GET /sse/{user}} carries the same frames as a socket
 * (welcome first, then replay, then live traffic; stream frames with their id), heartbeats, resume by
 * {@code ?since=} or {@code Last-Event-ID}, connection slots and presence shared with sockets, and
 * {@code POST /api/frames} answering each frame with its ack or error.
 */
@QuarkusTest
class EventStreamTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void theStreamCarriesTheWelcomeThenLiveMessagesAsEventsNamedByTheirId() {
        String sam = uniqueUser("sam"), wes = uniqueUser("wes");
        try (var sse = EventStream.open(base, "/sse/" + sam); var ws = TestSocket.user(base, wes)) {
            assertThat(sse.headers().get("Content-Type")).startsWith("text/event-stream");
            JsonObject welcome = sse.awaitType("welcome");
            assertThat(sse.events().get(0).frame().getString("type")).isEqualTo("welcome");
            assertThat(welcome.getString("user")).isEqualTo(sam);
            assertThat(welcome.getString("connectionId")).isNotBlank();
            assertThat(welcome.getJsonArray("online").getList()).contains(sam);

            ws.send(new JsonObject().put("type", "send").put("to", sam).put("text", "over sse"));
            JsonObject m = sse.awaitText("over sse");
            assertThat(m.getString("from")).isEqualTo(wes);
            EventStream.Event event = sse.events().stream().filter(e -> e.data().contains("over sse")).findFirst()
                    .orElseThrow();
            assertThat(event.id()).isEqualTo(String.valueOf(m.getLong("id")));
            assertThat(event.type()).as("no event: field, so EventSource.onmessage gets every frame").isNull();
            // Frames outside the stream (the welcome, presence) carry no id: they must not move Last-Event-ID.
            assertThat(sse.events().get(0).id()).isNull();
        }
    }

    @Test
    void aTrailingSlashOpensTheSameStream() {
        String tam = uniqueUser("tam");
        try (var sse = EventStream.open(base, "/sse/" + tam + "/")) {
            assertThat(sse.awaitType("welcome").getString("user")).isEqualTo(tam);
        }
    }

    @Test
    void anIdleStreamGetsHeartbeatComments() {
        try (var sse = EventStream.user(base, uniqueUser("beat"))) {
            // The test profile beats every 500 ms, and the HTTP request timeout does not cut the stream meanwhile.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sse.comments().size() >= 3);
            assertThat(sse.comments()).allMatch(": ping"::equals);
            assertThat(sse.ended()).isFalse();
        }
    }

    @Test
    void sinceAndLastEventIdReplayWhatCameAfterWithNoGapAndNoDuplicate() {
        String ola = uniqueUser("ola"), pub = uniqueUser("pub");
        List<Long> ids = new ArrayList<>();
        try (var p = TestSocket.user(base, pub); var first = EventStream.user(base, ola)) {
            for (int i = 1; i <= 6; i++) {
                p.send(new JsonObject().put("type", "send").put("to", ola).put("text", "m" + i));
            }
            first.awaitMessages(6).forEach(m -> ids.add(m.getLong("id")));
        }
        try (var again = EventStream.open(base, "/sse/" + ola + "?since=" + ids.get(1))) {
            List<JsonObject> replay = again.awaitMessages(4);
            assertThat(replay).extracting(m -> m.getLong("id")).containsExactlyElementsOf(ids.subList(2, 6));
            assertThat(again.events().get(0).frame().getString("type")).isEqualTo("welcome");
        }
        // The browser's own reconnect resends its first URL with the id of the last event it saw: that id wins.
        try (var resumed = EventStream.open(base, "/sse/" + ola + "?since=" + ids.get(0),
                Map.of("Last-Event-ID", String.valueOf(ids.get(3))))) {
            List<JsonObject> replay = resumed.awaitMessages(2);
            assertThat(replay).extracting(m -> m.getString("text")).containsExactly("m5", "m6");
            try (var p = TestSocket.user(base, pub)) {
                p.send(new JsonObject().put("type", "send").put("to", ola).put("text", "m7"));
                resumed.awaitText("m7");
            }
            assertThat(resumed.messages()).extracting(m -> m.getString("text")).containsExactly("m5", "m6", "m7");
        }
    }

    @Test
    void readCursorsWorkOverEventStreams() {
        String uma = uniqueUser("uma"), pub = uniqueUser("pub");
        List<Long> ids = new ArrayList<>();
        try (var p = TestSocket.user(base, pub); var tab = TestSocket.user(base, uma); var sse = EventStream.user(base, uma)) {
            for (int i = 1; i <= 3; i++) {
                p.send(new JsonObject().put("type", "send").put("to", uma).put("text", "r" + i));
            }
            sse.awaitMessages(3).forEach(m -> ids.add(m.getLong("id")));
            // A read POSTed for the stream moves the cursor, and the user's socket is told.
            EventStream.Answer read = sse.post(new JsonObject().put("type", "read").put("upTo", ids.get(0)));
            assertThat(read.status()).isEqualTo(200);
            assertThat(read.json().getString("type")).isEqualTo("ack");
            assertThat(tab.awaitType("read").getLong("upTo")).isEqualTo(ids.get(0));
            // A read on the socket reaches the stream.
            tab.send(new JsonObject().put("type", "read").put("upTo", ids.get(1)));
            assertThat(sse.await(f -> "read".equals(f.getString("type")) && f.getLong("upTo").equals(ids.get(1))))
                    .isNotNull();
        }
        // since=read replays only what is after the cursor.
        try (var again = EventStream.open(base, "/sse/" + uma + "?since=read")) {
            JsonObject welcome = again.awaitType("welcome");
            assertThat(welcome.getLong("readUpTo")).isEqualTo(ids.get(1));
            assertThat(again.awaitMessages(1)).extracting(m -> m.getString("text")).containsExactly("r3");
        }
    }

    @Test
    void badNamesAndResumePointsAreRefusedWith400() {
        String ivy = uniqueUser("ivy");
        for (String path : List.of("/sse/no%20spaces", "/sse/" + ivy + "?since=abc", "/sse/" + ivy + "?since=-1",
                "/sse/" + ivy + "?since=unread")) {
            EventStream.Answer answer = EventStream.refused(base, path);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.body()).as(path).isNotBlank();
        }
        assertThat(EventStream.refused(base, "/sse/" + ivy, Map.of("Last-Event-ID", "x1")).status()).isEqualTo(400);
        assertThat(online(ivy)).isFalse();
    }

    @Test
    void eventStreamsAndSocketsShareTheUsersConnectionSlots() {
        String eve = uniqueUser("eve");
        List<AutoCloseable> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(EventStream.user(base, eve));
            }
            open.add(TestSocket.user(base, eve));
            open.add(TestSocket.user(base, eve));
            // Five in the test profile: a sixth is refused whichever way it comes.
            assertThat(EventStream.refused(base, "/sse/" + eve).status()).isEqualTo(429);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + eve)).isEqualTo(429);
            ((EventStream) open.remove(0)).close();
            Awaitility.await().until(() -> connections(eve) == 4);
            open.add(EventStream.user(base, eve));
            assertThat(connections(eve)).isEqualTo(5);
        } finally {
            open.forEach(EventStreamTest::closeQuietly);
        }
    }

    @Test
    void presenceCountsAnEventStreamLikeASocket() {
        String watcher = uniqueUser("watcher"), sid = uniqueUser("sid");
        try (var w = TestSocket.user(base, watcher)) {
            try (var sse = EventStream.user(base, sid)) {
                w.awaitPresence(sid, true); // alone, or among others' changes gathered in one frame
                assertThat(online(sid)).isTrue();
                assertThat(sse.await(f -> "welcome".equals(f.getString("type"))).getJsonArray("online").getList())
                        .contains(watcher);
            }
            // The client went away: the server notices and the user goes offline.
            w.awaitPresence(sid, false);
            assertThat(online(sid)).isFalse();
        }
    }

    @Test
    void framesPostedForTheStreamAreAnsweredWithTheirAckAndCarriedOut() {
        String pat = uniqueUser("pat"), rex = uniqueUser("rex");
        try (var sse = EventStream.user(base, pat); var r = TestSocket.user(base, rex)) {
            EventStream.Answer sent = sse.post(new JsonObject().put("type", "send").put("to", rex).put("text", "hi rex")
                    .put("ref", "p1"));
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.headers().get("Content-Type")).startsWith("application/json");
            JsonObject ack = sent.json();
            assertThat(ack.getString("type")).isEqualTo("ack");
            assertThat(ack.getString("ref")).isEqualTo("p1");
            assertThat(r.awaitText("hi rex").getString("from")).isEqualTo(pat);
            // The sender's own copy arrives on the stream, with the id the ack names; the ack itself does not.
            assertThat(sse.awaitText("hi rex").getLong("id")).isEqualTo(ack.getLong("id"));

            // Without a ref, HTTP still answers with the ack.
            JsonObject bare = sse.post(new JsonObject().put("type", "send").put("to", rex).put("text", "no ref")).json();
            assertThat(bare.getString("type")).isEqualTo("ack");
            assertThat(bare.containsKey("ref")).isFalse();
            assertThat(bare.getLong("id")).isPositive();
            r.awaitText("no ref");

            String room = uniqueUser("room");
            assertThat(sse.post(new JsonObject().put("type", "join").put("room", room)).json().getString("room"))
                    .isEqualTo(room);
            r.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            r.awaitType("ack");
            r.send(new JsonObject().put("type", "send").put("room", room).put("text", "to the room"));
            assertThat(sse.awaitText("to the room").getString("room")).isEqualTo(room);
            sse.awaitMessages(3);
            assertThat(sse.ofType("ack")).isEmpty();
        }
    }

    @Test
    void badFramesGetTheirErrorAndAStatusAndLoseNothingElse() {
        String bea = uniqueUser("bea"), cal = uniqueUser("cal");
        try (var sse = EventStream.user(base, bea); var c = TestSocket.user(base, cal)) {
            expectError(sse.post("{not json"), 400, "malformed_json", null);
            expectError(sse.post("[1,2]"), 400, "not_an_object", null);
            expectError(sse.post(new JsonObject().put("type", "shout").put("ref", 7).encode()), 400, "unknown_type", 7);
            expectError(sse.post(new JsonObject().put("type", "send").put("to", cal).put("text", "").put("ref", "e")
                    .encode()), 400, "invalid_field", "e");
            expectError(sse.post(new JsonObject().put("type", "leave").put("room", "nowhere").encode()), 400,
                    "unknown_room", null);
            // A body that is not UTF-8 is refused, not read with replacement characters.
            expectError(EventStream.post(base, Map.of("Herald-Connection", sse.connectionId()),
                    Buffer.buffer(new byte[] { '{', '"', (byte) 0xC3, '"', '}' })), 400, "malformed_json", null);
            // A body over the message size (4 KiB in the test profile): 413.
            String big = new JsonObject().put("type", "broadcast").put("text", "x".repeat(5000)).encode();
            expectError(sse.post(big), 413, "message_too_big", null);

            // The stream is still open and the connection still sends.
            assertThat(sse.post(new JsonObject().put("type", "send").put("to", cal).put("text", "after all that"))
                    .status()).isEqualTo(200);
            c.awaitText("after all that");
            assertThat(sse.ended()).isFalse();
        }
    }

    @Test
    void aFrameForAnUnknownOrClosedConnectionIs404() {
        String ned = uniqueUser("ned");
        String frame = new JsonObject().put("type", "broadcast").put("text", "anyone?").encode();
        expectError(EventStream.post(base, Map.of("Herald-Connection", "no-such-connection"), Buffer.buffer(frame)), 404,
                "unknown_connection", null);
        expectError(EventStream.post(base, Map.of(), Buffer.buffer(frame)), 404, "unknown_connection", null);
        // A socket's id is no event stream: its frames go over the socket.
        try (var ws = TestSocket.user(base, ned)) {
            String socketId = ws.awaitType("welcome").getString("connectionId");
            expectError(EventStream.post(base, Map.of("Herald-Connection", socketId), Buffer.buffer(frame)), 404,
                    "unknown_connection", null);
        }
        EventStream sse = EventStream.user(base, ned);
        String id = sse.connectionId();
        sse.close();
        Awaitility.await().until(() -> !online(ned));
        expectError(EventStream.post(base, Map.of("Herald-Connection", id), Buffer.buffer(frame)), 404,
                "unknown_connection", null);
    }

    @Test
    void refusedFramesAreCountedByCode() {
        double before = errors("unknown_connection");
        EventStream.post(base, Map.of("Herald-Connection", "nobody"), Buffer.buffer("{\"type\":\"broadcast\",\"text\":\"x\"}"));
        Awaitility.await().until(() -> errors("unknown_connection") == before + 1);
    }

    @Test
    void aCrossOriginPageMayUseTheStreamAndPostFrames() {
        // The test profile allows any origin (herald.origins=*): CORS answers the preflight of a POST with Herald's
        // headers, and the stream and herald.js carry Access-Control-Allow-Origin.
        given().header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "herald-connection,authorization,content-type")
                .options("/api/frames").then().statusCode(200)
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.oneOf("*", "https://elsewhere.example"))
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("Herald-Connection"));
        given().header("Origin", "https://elsewhere.example").get("/herald.js").then().statusCode(200)
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.oneOf("*", "https://elsewhere.example"));
        try (var sse = EventStream.open(base, "/sse/" + uniqueUser("cors"), Map.of("Origin", "https://elsewhere.example"))) {
            assertThat(sse.headers().get("Access-Control-Allow-Origin")).isIn("*", "https://elsewhere.example");
            sse.awaitType("welcome");
        }
    }

    private static void expectError(EventStream.Answer answer, int status, String code, Object ref) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        JsonObject error = answer.json();
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getString("code")).isEqualTo(code);
        assertThat(error.getString("message")).isNotBlank();
        assertThat(error.getValue("ref")).isEqualTo(ref);
    }

    private static int connections(String user) {
        Integer n = given().get("/api/users?limit=1000").then().extract()
                .path("find { it.user == '" + user + "' }.connections");
        return n == null ? 0 : n;
    }

    /** Requests to where /q/* answers: the main port here, the management interface in the packaged build. */
    protected io.restassured.specification.RequestSpecification management() {
        return given();
    }

    double errors(String code) {
        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("herald_errors_total{") && l.contains("code=\"" + code + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
