package dev.herald.schedule;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** Past its configured bound the store refuses new pending messages with a clear 503, and recovers. */
@QuarkusTest
@TestProfile(StoreBoundTest.SmallStore.class)
class StoreBoundTest {

    public static class SmallStore implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.schedule.max-pending", "3");
        }
    }

    private static io.restassured.response.ValidatableResponse scheduleOne() {
        return given().contentType(ContentType.JSON).body("{\"to\":\"vic\",\"text\":\"later\",\"delaySeconds\":3600}")
                .post("/api/messages").then();
    }

    @Test
    void fullStoreAnswers503AndAcceptsAgainAfterACancel() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(scheduleOne().statusCode(201).extract().path("id"));
        }
        scheduleOne().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("maximum of 3 pending"));
        // An immediate push is not held, so it still goes through.
        given().contentType(ContentType.JSON).body("{\"to\":\"vic\",\"text\":\"now\"}").post("/api/messages")
                .then().statusCode(201).body("status", equalTo("delivered"));
        given().get("/api/messages?status=pending").then().body("size()", equalTo(3));

        given().delete("/api/messages/" + ids.get(0)).then().statusCode(200);
        scheduleOne().statusCode(201);
    }
}
