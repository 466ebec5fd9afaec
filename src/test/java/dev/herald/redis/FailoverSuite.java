package dev.herald.redis;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.herald.support.HeraldSite;
import dev.herald.support.TestSocket;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * What happens to a site on Redis when a node dies (kill -9) or Redis goes away (SPEC "Engines"): scheduled
 * messages fire exactly once from the surviving node, cancels race firing atomically across nodes, a dead node's
 * users go offline within the node ttl and resume elsewhere, and an outage of Redis keeps sockets open, says
 * {@code unavailable}, and heals by itself. Each test has a site of its own.
 */
abstract class FailoverSuite {

    HeraldSite site;

    abstract String startRedis();

    /** Stops every Redis server of the site (SIGTERM; no persistence: it comes back empty). */
    abstract void stopRedis();

    /** Starts them again on the same ports. */
    abstract void restartRedis();

    abstract void closeRedis();

    @AfterEach
    void stop() {
        if (site != null) {
            site.close();
        }
        closeRedis();
    }

    private static String at(Instant t) {
        return OffsetDateTime.ofInstant(t, ZoneOffset.UTC).toString();
    }

    @Test
    void scheduledMessagesAcceptedByANodeThatDiesAreFiredOnceOnTimeByAnother() {
        site = HeraldSite.start(getClass().getSimpleName() + "-sched", startRedis(), 2);
        String rex = uniqueUser("rex");
        try (var socket = TestSocket.user(site.base(1), rex)) {
            Instant due = Instant.now().plusSeconds(15); // accepting 1 000 takes some seconds on 2 shared cores
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<?>> posts = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int part = t;
                    posts.add(pool.submit(() -> {
                        for (int i = part; i < 1000; i += 4) {
                            given().baseUri(site.base(0).toString()).contentType(ContentType.JSON)
                                    .body(new JsonObject().put("to", rex).put("text", "due " + i)
                                            .put("deliverAt", at(due.plusMillis(i))).encode())
                                    .post("/api/messages").then().statusCode(201);
                        }
                    }));
                }
                for (var p : posts) {
                    p.get(60, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                pool.shutdownNow();
            }
            assertThat(Instant.now()).as("all accepted before they are due").isBefore(due);
            site.node(0).kill();
            List<JsonObject> got = socket.awaitMessages(1000, Duration.ofSeconds(40));
            assertThat(got).extracting(m -> m.getString("text")).doesNotHaveDuplicates().hasSize(1000);
            for (JsonObject m : got) {
                int i = Integer.parseInt(m.getString("text").substring(4));
                Instant sent = Instant.parse(m.getString("sentAt"));
                assertThat(sent).as("message %d fired", i).isAfterOrEqualTo(due.plusMillis(i).minusMillis(5))
                        .isBefore(due.plusMillis(i).plusSeconds(2));
            }
            // Nothing more comes: each was fired once.
            socket.send(new JsonObject().put("type", "send").put("to", rex).put("text", "marker"));
            socket.awaitText("marker");
            assertThat(socket.messages()).hasSize(1001);
        }
    }

    @Test
    void cancelsOnOneNodeRaceFiringOnTheOtherAtomically() throws Exception {
        site = HeraldSite.start(getClass().getSimpleName() + "-cancel", startRedis(), 2);
        String pia = uniqueUser("pia");
        try (var socket = TestSocket.user(site.base(0), pia)) {
            Instant due = Instant.now().plusSeconds(4);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                ids.add(given().baseUri(site.base(i % 2).toString()).contentType(ContentType.JSON)
                        .body(new JsonObject().put("to", pia).put("text", "race " + i).put("deliverAt", at(due)).encode())
                        .post("/api/messages").then().statusCode(201).extract().path("id"));
            }
            Map<String, Integer> outcome = new ConcurrentHashMap<>();
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                    .until(() -> Instant.now().isAfter(due.minusMillis(30)));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                int part = t;
                pool.submit(() -> {
                    for (int i = part; i < ids.size(); i += 4) {
                        outcome.put(ids.get(i), given().baseUri(site.base(1).toString())
                                .delete("/api/messages/" + ids.get(i)).then().extract().statusCode());
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            long cancelled = outcome.values().stream().filter(s -> s == 200).count();
            long tooLate = outcome.values().stream().filter(s -> s == 409).count();
            assertThat(cancelled + tooLate).isEqualTo(300);
            socket.awaitMessages((int) tooLate, Duration.ofSeconds(20));
            socket.send(new JsonObject().put("type", "send").put("to", pia).put("text", "marker"));
            socket.awaitText("marker");
            // Exactly the messages whose cancel came too late were delivered, each once.
            Map<String, String> textOf = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                textOf.put(ids.get(i), "race " + i);
            }
            List<String> expected = outcome.entrySet().stream().filter(e -> e.getValue() == 409)
                    .map(e -> textOf.get(e.getKey())).toList();
            assertThat(socket.messages().stream().map(m -> m.getString("text")).filter(t -> t.startsWith("race")))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void aKilledNodesUsersGoOfflineWithinTheTtlAndResumeElsewhereWithNothingLost() {
        site = HeraldSite.start(getClass().getSimpleName() + "-death", startRedis(), 2);
        String watcher = uniqueUser("watch"), carol = uniqueUser("carol"), dan = uniqueUser("dan");
        try (var w = TestSocket.user(site.base(1), watcher); var sender = TestSocket.user(site.base(1), dan)) {
            TestSocket onA = TestSocket.user(site.base(0), carol);
            w.awaitPresence(carol, true);
            sender.send(new JsonObject().put("type", "send").put("to", carol).put("text", "before"));
            long seen = onA.awaitText("before").getLong("id");
            Instant killed = Instant.now();
            site.node(0).kill();
            w.awaitPresence(carol, false);
            assertThat(Duration.between(killed, Instant.now())).as("offline within the ttl (3 s) and a beat")
                    .isLessThan(Duration.ofSeconds(6));
            assertThat(ManyNodesSuite.connections(site.base(1), carol)).isZero();
            for (int i = 0; i < 5; i++) {
                sender.send(new JsonObject().put("type", "send").put("to", carol).put("text", "while dead " + i));
            }
            sender.await(f -> "message".equals(f.getString("type")) && "while dead 4".equals(f.getString("text")));
            try (var onB = TestSocket.open(site.base(1), "/ws/" + carol + "?since=" + seen)) {
                assertThat(onB.awaitType("welcome").getBoolean("gap")).isFalse();
                assertThat(onB.awaitMessages(5)).extracting(m -> m.getString("text"))
                        .containsExactly("while dead 0", "while dead 1", "while dead 2", "while dead 3", "while dead 4");
            }
            onA.close();
        }
    }

    @Test
    void whileRedisIsDownSocketsStayOpenWritesSayUnavailableAndItAllComesBack() {
        site = HeraldSite.start(getClass().getSimpleName() + "-outage", startRedis(), 2);
        String ann = uniqueUser("ann"), bob = uniqueUser("bob");
        try (var onA = TestSocket.user(site.base(0), ann); var onB = TestSocket.user(site.base(1), bob)) {
            onA.send(new JsonObject().put("type", "send").put("to", bob).put("text", "before").put("ref", 1));
            onB.awaitText("before");
            stopRedis();
            onA.send(new JsonObject().put("type", "send").put("to", bob).put("text", "during").put("ref", 2));
            assertThat(onA.awaitError(2).getString("code")).isEqualTo("unavailable");
            given().baseUri(site.base(1).toString()).contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", ann).put("text", "pushed").encode()).post("/api/messages")
                    .then().statusCode(503).contentType("application/problem+json");
            given().baseUri(site.base(0).toString()).contentType(ContentType.JSON)
                    .body(new JsonObject().put("owner", bob).put("title", "job").encode()).post("/api/tasks")
                    .then().statusCode(503).contentType("application/problem+json");
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> site.readiness(0) == 503 && site.readiness(1) == 503);
            assertThat(onA.isClosed()).isFalse();
            assertThat(onB.isClosed()).isFalse();

            restartRedis();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> site.readiness(0) == 200 && site.readiness(1) == 200);
            // Without restarting Herald: messages flow across nodes again, presence is back.
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                onA.send(new JsonObject().put("type", "send").put("to", bob).put("text", "after").put("ref", "a"));
                return onB.messages().stream().anyMatch(m -> "after".equals(m.getString("text")));
            });
            String task = given().baseUri(site.base(0).toString()).contentType(ContentType.JSON)
                    .body(new JsonObject().put("owner", bob).put("title", "job").encode()).post("/api/tasks")
                    .then().statusCode(201).extract().path("id");
            onB.await(f -> "task".equals(f.getString("type")) && task.equals(f.getJsonObject("task").getString("id")));
            given().baseUri(site.base(1).toString()).get("/api/tasks/" + task).then().statusCode(200)
                    .body("events", org.hamcrest.Matchers.hasSize(1));
            Awaitility.await().atMost(Duration.ofSeconds(15))
                    .until(() -> ManyNodesSuite.connections(site.base(0), bob) == 1
                            && ManyNodesSuite.connections(site.base(1), ann) == 1);
        }
    }
}
