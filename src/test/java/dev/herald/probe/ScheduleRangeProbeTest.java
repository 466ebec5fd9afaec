package dev.herald.probe;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.schedule.Recipient;
import dev.herald.schedule.ScheduleService;
import dev.herald.schedule.ScheduledMessage;
import dev.herald.support.ManualClock;
import dev.herald.support.ManualClockProfile;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 4: a {@code deliverAt} centuries away. Year 2400 made the firing loop overflow on every pass
 * (119 % CPU, ERROR stacks); a time more than 292 years past ended {@code failed} instead of delivered.
 */
@QuarkusTest
@TestProfile(ManualClockProfile.class)
class ScheduleRangeProbeTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    ManualClock clock;

    @Inject
    ScheduleService schedule;

    @Test
    void aTimeMoreThanTenYearsAheadIsA400NamingDeliverAt() {
        String to = uniqueUser("far");
        int before = schedule.pendingCount();
        given().contentType(ContentType.JSON)
                .body(new JsonObject().put("to", to).put("text", "x").put("deliverAt", "2400-01-01T00:00:00Z").encode())
                .post("/api/messages").then().statusCode(400).contentType("application/problem+json")
                .body("field", equalTo("deliverAt")).body("detail", containsString("deliverAt"));
        assertThat(schedule.pendingCount()).isEqualTo(before);
    }

    @Test
    void justInsideTheBoundIsAccepted() {
        String to = uniqueUser("edge");
        Instant edge = clock.instant().plus(Duration.ofDays(3650)).minusSeconds(1);
        String id = given().contentType(ContentType.JSON)
                .body(new JsonObject().put("to", to).put("text", "x").put("deliverAt", edge.toString()).encode())
                .post("/api/messages").then().statusCode(201).body("status", equalTo("pending")).extract().path("id");
        given().delete("/api/messages/" + id).then().statusCode(200);
    }

    @Test
    void aTimeCenturiesPastIsDeliveredAtOnceWithPastDue() {
        String sam = uniqueUser("ancient");
        try (var socket = TestSocket.user(base, sam)) {
            given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", sam).put("text", "year 1000").put("deliverAt", "1000-01-01T00:00:00Z")
                            .encode())
                    .post("/api/messages").then().statusCode(201)
                    .body("status", equalTo("delivered")).body("pastDue", equalTo(true));
            socket.awaitText("year 1000");
        }
    }

    /** Even a far time that reached the store some other way never breaks the firing loop. */
    @Test
    void aMessageCenturiesAheadLeavesTheFiringLoopQuietAndOthersFireOnTime() {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("dev.herald.schedule");
        logger.addHandler(capture);
        String tom = uniqueUser("tom");
        ScheduledMessage far = null;
        try (var socket = TestSocket.user(base, tom)) {
            far = schedule.schedule(new Recipient(tom, null, false), "herald", "in 2400",
                    Instant.parse("2400-01-01T00:00:00Z"), null).toCompletableFuture().join();
            schedule.schedule(new Recipient(tom, null, false), "herald", "soon", clock.instant().plusSeconds(1), null);
            // The firing thread passes every 20 ms in this profile: it must stay quiet while the far one waits.
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(errors::isEmpty);
            clock.advance(Duration.ofSeconds(1));
            socket.awaitText("soon");
            assertThat(errors).extracting(LogRecord::getMessage).isEmpty();
            assertThat(schedule.cancel(far.id()).toCompletableFuture().join()).hasToString("CANCELLED");
        } finally {
            logger.removeHandler(capture);
        }
    }
}
