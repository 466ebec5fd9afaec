package dev.herald.schedule;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.ManualClock;
import dev.herald.support.ManualClockProfile;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** Scheduling on a clock the test moves: on time, never early, exactly once, also after a stall. */
@QuarkusTest
@TestProfile(ManualClockProfile.class)
class SchedulingOnManualClockTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    ManualClock clock;

    @Inject
    ScheduleService schedule;

    @Inject
    ScheduleStore store;

    private String scheduleIn(String to, String text, long delaySeconds) {
        return given().contentType(ContentType.JSON)
                .body(new JsonObject().put("to", to).put("text", text).put("delaySeconds", delaySeconds).encode())
                .post("/api/messages").then().statusCode(201).body("status", equalTo("pending"))
                .extract().path("id");
    }

    @Test
    void firesAtItsTimeNeverBeforeAndOnce() {
        String mia = uniqueUser("mia");
        try (var socket = TestSocket.user(base, mia)) {
            String id = scheduleIn(mia, "on time", 10);
            Instant due = store.get(id).orElseThrow().deliverAt();

            clock.advance(Duration.ofMillis(9_999));
            assertThat(schedule.fireDue()).isZero();
            assertThat(store.get(id).orElseThrow().status()).isEqualTo(Status.PENDING);

            clock.advance(Duration.ofMillis(1));
            JsonObject m = socket.awaitText("on time");
            assertThat(m.getString("kind")).isEqualTo("scheduled");
            // The socket may hear it a moment before the firing thread records it.
            awaitSettled(List.of(id));
            ScheduledMessage stored = store.get(id).orElseThrow();
            assertThat(stored.status()).isEqualTo(Status.DELIVERED);
            assertThat(stored.deliveredAt()).isEqualTo(due);

            clock.advance(Duration.ofMinutes(5));
            assertThat(schedule.fireDue()).isZero();
            socket.send(new JsonObject().put("type", "send").put("to", mia).put("text", "marker"));
            socket.awaitText("marker");
            assertThat(socket.messages()).extracting(f -> f.getString("text")).containsExactly("on time", "marker");
        }
    }

    @Test
    void aStalledTickDeliversEverythingMissedInOrderExactlyOnce() {
        String ned = uniqueUser("ned");
        try (var socket = TestSocket.user(base, ned)) {
            for (int i = 1; i <= 5; i++) {
                scheduleIn(ned, "late " + i, i);
            }
            // The service was busy for a minute: every tick in between was missed.
            clock.advance(Duration.ofMinutes(1));
            List<JsonObject> got = socket.awaitMessages(5);
            assertThat(got).extracting(f -> f.getString("text"))
                    .containsExactly("late 1", "late 2", "late 3", "late 4", "late 5");
            assertThat(schedule.fireDue()).isZero();
        }
    }

    @Test
    void manyMessagesDueAtTheSameInstantAreEachDeliveredOnce() {
        String ola = uniqueUser("ola");
        Instant at = clock.instant().plusSeconds(30);
        try (var socket = TestSocket.user(base, ola)) {
            for (int i = 0; i < 1000; i++) {
                schedule.schedule(new Recipient(ola, null, false), "herald", "same " + i, at, null);
            }
            clock.advance(Duration.ofSeconds(30));
            List<JsonObject> got = socket.awaitMessages(1000);
            assertThat(got).extracting(f -> f.getString("text")).doesNotHaveDuplicates().hasSize(1000);
            assertThat(got).extracting(f -> f.getString("text")).first().isEqualTo("same 0");
            assertThat(got).extracting(f -> f.getLong("id")).isSorted();
        }
    }

    @Test
    void cancelRacingWithDeliveryIsEitherDeliveredOrCancelledNeverBoth() throws Exception {
        String pia = uniqueUser("pia");
        Instant at = clock.instant().plusSeconds(60);
        List<String> ids = new ArrayList<>();
        try (var socket = TestSocket.user(base, pia)) {
            for (int i = 0; i < 400; i++) {
                ids.add(schedule.schedule(new Recipient(pia, null, false), "herald", "race " + i, at, null).id());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            var outcomes = new ConcurrentHashMap<String, CancelOutcome>();
            CountDownLatch start = new CountDownLatch(1);
            for (int t = 0; t < 4; t++) {
                int part = t;
                pool.submit(() -> {
                    start.await();
                    for (int i = part; i < ids.size(); i += 4) {
                        outcomes.put(ids.get(i), schedule.cancel(ids.get(i)));
                    }
                    return null;
                });
            }
            clock.advance(Duration.ofSeconds(60));
            start.countDown();
            schedule.fireDue();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            awaitSettled(ids); // the firing thread may still be recording what it claimed

            long delivered = ids.stream().filter(id -> store.get(id).orElseThrow().status() == Status.DELIVERED).count();
            long cancelled = ids.stream().filter(id -> store.get(id).orElseThrow().status() == Status.CANCELLED).count();
            assertThat(delivered + cancelled).isEqualTo(ids.size());
            for (int i = 0; i < ids.size(); i++) {
                CancelOutcome outcome = outcomes.get(ids.get(i));
                Status status = store.get(ids.get(i)).orElseThrow().status();
                assertThat(outcome == CancelOutcome.CANCELLED).isEqualTo(status == Status.CANCELLED);
            }
            // The socket receives exactly the delivered ones.
            socket.send(new JsonObject().put("type", "send").put("to", pia).put("text", "end"));
            socket.awaitText("end");
            List<String> texts = socket.messages().stream().map(f -> f.getString("text")).filter(t -> t.startsWith("race"))
                    .toList();
            assertThat(texts).doesNotHaveDuplicates().hasSize((int) delivered);
            for (int i = 0; i < ids.size(); i++) {
                boolean received = texts.contains("race " + i);
                assertThat(received).isEqualTo(store.get(ids.get(i)).orElseThrow().status() == Status.DELIVERED);
            }
        }
    }

    @Test
    void recurringMessageFiresOnEachCronOccurrenceUntilCancelled() {
        String quin = uniqueUser("quin");
        try (var socket = TestSocket.user(base, quin)) {
            // Quartz, seconds first: every 10 seconds.
            String id = given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", quin).put("text", "tick").put("cron", "*/10 * * * * ?").encode())
                    .post("/api/messages").then().statusCode(201).body("status", equalTo("pending"))
                    .body("cron", equalTo("*/10 * * * * ?")).extract().path("id");
            for (int n = 1; n <= 3; n++) {
                clock.advance(Duration.ofSeconds(10));
                int expected = n;
                socket.awaitMessages(expected);
                Awaitility.await().until(() -> store.get(id).orElseThrow().status() == Status.PENDING);
            }
            given().get("/api/messages/" + id).then().body("deliveries", equalTo(3)).body("status", equalTo("pending"));
            given().delete("/api/messages/" + id).then().statusCode(200).body("status", equalTo("cancelled"));
            clock.advance(Duration.ofSeconds(30));
            assertThat(schedule.fireDue()).isZero();
            assertThat(store.get(id).orElseThrow().deliveries()).isEqualTo(3);
        }
    }

    @Test
    void scheduledMessagesToAnOfflineUserWaitInTheMailboxAndResume() {
        String rex = uniqueUser("rex");
        scheduleIn(rex, "while offline", 5);
        clock.advance(Duration.ofSeconds(5));
        Awaitility.await().until(() -> schedule.pendingCount() == 0
                || store.page(m -> m.status() == Status.PENDING && rex.equals(m.recipient().to()), null, 1).isEmpty());
        try (var socket = TestSocket.open(base, "/ws/" + rex)) {
            JsonObject m = socket.awaitText("while offline");
            assertThat(m.getString("kind")).isEqualTo("scheduled");
            long id = m.getLong("id");
            try (var second = TestSocket.open(base, "/ws/" + rex + "?since=" + (id - 1))) {
                second.awaitText("while offline");
            }
        }
    }

    @Test
    void aTimeInThePastIsDeliveredAtOnceAndSaysSo() {
        String sam = uniqueUser("sam");
        try (var socket = TestSocket.user(base, sam)) {
            given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", sam).put("text", "overdue")
                            .put("deliverAt", clock.instant().minusSeconds(3600).toString().replace("Z", "+00:00"))
                            .encode())
                    .post("/api/messages").then().statusCode(201)
                    .body("status", equalTo("delivered")).body("pastDue", equalTo(true));
            socket.awaitText("overdue");
        }
    }

    /**
     * A recurring message goes back into the time index after each firing. Several timers fire at once (the firing
     * thread, the sweep, and here two more), while the clock keeps moving: however they interleave, no message may
     * be left pending without being fired again.
     */
    @Test
    void recurringMessagesKeepFiringWhileSeveralTimersRace() throws Exception {
        String rex = uniqueUser("rex");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ids.add(given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", rex).put("text", "tick " + i).put("cron", "* * * * * ?").encode())
                    .post("/api/messages").then().statusCode(201).extract().path("id"));
        }
        java.util.concurrent.atomic.AtomicBoolean racing = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int t = 0; t < 2; t++) {
                pool.submit(() -> {
                    while (racing.get()) {
                        schedule.fireDue();
                    }
                });
            }
            for (int step = 0; step < 3000; step++) {
                clock.advance(Duration.ofMillis(250));
                Thread.onSpinWait();
            }
        } finally {
            racing.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        schedule.fireDue();
        // The firing thread may still be delivering one it claimed: count once every message is pending again.
        awaitSettled(ids);
        java.util.Map<String, Integer> before = new java.util.HashMap<>();
        for (String id : ids) {
            before.put(id, store.get(id).orElseThrow().deliveries());
        }
        clock.advance(Duration.ofSeconds(1));
        schedule.fireDue();
        // Whichever thread fired each one, each fired exactly once for this second.
        Awaitility.await().untilAsserted(() -> {
            for (String id : ids) {
                ScheduledMessage m = store.get(id).orElseThrow();
                assertThat(m.status()).as("status of " + id).isEqualTo(Status.PENDING);
                assertThat(m.deliveries()).as("deliveries of " + id).isEqualTo(before.get(id) + 1);
            }
        });
        assertThat(schedule.fireDue()).isZero();
        ids.forEach(schedule::cancel);
    }

    /** Waits until no message is in the short FIRING moment, so what the store says is final for this instant. */
    private void awaitSettled(List<String> ids) {
        Awaitility.await().until(() -> ids.stream().noneMatch(id -> store.get(id).orElseThrow().status() == Status.FIRING));
    }
}
