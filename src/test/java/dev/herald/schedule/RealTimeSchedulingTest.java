package dev.herald.schedule;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** On the real clock: a message scheduled a second ahead arrives on a real socket, once, not before its time. */
@QuarkusTest
class RealTimeSchedulingTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void messageScheduledOneSecondAheadArrivesOnce() {
        String uma = uniqueUser("uma");
        try (var socket = TestSocket.user(base, uma)) {
            String id = given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", uma).put("text", "a second later").put("delaySeconds", 1).encode())
                    .post("/api/messages").then().statusCode(201).extract().path("id");
            JsonObject m = socket.awaitText("a second later");
            Instant receivedAt = Instant.now();
            assertThat(m.getString("kind")).isEqualTo("scheduled");

            JsonObject stored = new JsonObject(given().get("/api/messages/" + id).then().statusCode(200).extract().asString());
            Instant deliverAt = Instant.parse(stored.getString("deliverAt"));
            assertThat(stored.getString("status")).isEqualTo("delivered");
            assertThat(Instant.parse(stored.getString("deliveredAt"))).isAfterOrEqualTo(deliverAt);
            assertThat(receivedAt).isAfterOrEqualTo(deliverAt);

            socket.send(new JsonObject().put("type", "send").put("to", uma).put("text", "marker"));
            socket.awaitText("marker");
            assertThat(socket.messages()).extracting(f -> f.getString("text")).containsExactly("a second later", "marker");
        }
    }
}
