package dev.herald.api;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.EventStream;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The list of scheduled messages is pushed, not polled: every state change of a stored message reaches its sender
 * and its recipient (on a socket or an event stream) as a {@code scheduled} frame carrying what the API shows.
 */
@QuarkusTest
class ScheduledPushTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void senderAndRecipientAreToldOfEveryChangeAndNobodyElse() {
        String amy = uniqueUser("amy"), bob = uniqueUser("bob"), cat = uniqueUser("cat");
        try (var a = TestSocket.user(base, amy); var b = EventStream.user(base, bob); var c = TestSocket.user(base, cat)) {
            String later = create("{\"to\":\"" + bob + "\",\"from\":\"" + amy + "\",\"text\":\"later\",\"delaySeconds\":600}");
            for (JsonObject m : List.of(scheduled(a, later, "pending"), scheduled(b::frames, later, "pending"))) {
                assertThat(m.getString("text")).isEqualTo("later");
                assertThat(m.getString("to")).isEqualTo(bob);
                assertThat(m.getString("deliverAt")).isNotBlank();
            }
            given().delete("/api/messages/" + later).then().statusCode(200);
            scheduled(a, later, "cancelled");
            scheduled(b::frames, later, "cancelled");

            String soon = create("{\"to\":\"" + bob + "\",\"from\":\"" + amy + "\",\"text\":\"soon\",\"delaySeconds\":0.3}");
            scheduled(a, soon, "pending");
            JsonObject delivered = scheduled(a, soon, "delivered");
            assertThat(delivered.getInteger("deliveries")).isEqualTo(1);
            scheduled(b::frames, soon, "delivered");
            b.awaitText("soon");

            // A room message concerns its sender only (a recipient reads it as a message, not in a list).
            String room = create("{\"room\":\"" + uniqueUser("room") + "\",\"from\":\"" + amy
                    + "\",\"text\":\"to a room\",\"delaySeconds\":600}");
            scheduled(a, room, "pending");
            given().delete("/api/messages/" + room).then().statusCode(200);
            scheduled(a, room, "cancelled");

            assertThat(a.ofType("scheduled")).hasSize(6);
            assertThat(b.ofType("scheduled")).hasSize(4);
            assertThat(c.ofType("scheduled")).isEmpty();
        }
    }

    private static String create(String body) {
        return given().contentType("application/json").body(body).post("/api/messages").then().statusCode(201)
                .extract().path("id");
    }

    private static JsonObject scheduled(TestSocket s, String id, String status) {
        return s.await(f -> "scheduled".equals(f.getString("type"))
                && id.equals(f.getJsonObject("message").getString("id"))
                && status.equals(f.getJsonObject("message").getString("status"))).getJsonObject("message");
    }

    private static JsonObject scheduled(java.util.function.Supplier<List<JsonObject>> frames, String id, String status) {
        JsonObject[] found = new JsonObject[1];
        Awaitility.await().until(() -> {
            for (JsonObject f : frames.get()) {
                if ("scheduled".equals(f.getString("type")) && id.equals(f.getJsonObject("message").getString("id"))
                        && status.equals(f.getJsonObject("message").getString("status"))) {
                    found[0] = f.getJsonObject("message");
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
