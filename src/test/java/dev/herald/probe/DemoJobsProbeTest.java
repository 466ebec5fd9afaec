package dev.herald.probe;

import static dev.herald.probe.AuthOnProfile.DEMO_STARTS_PER_MINUTE;
import static dev.herald.probe.AuthOnProfile.bearer;
import static dev.herald.probe.AuthOnProfile.publisher;
import static dev.herald.probe.AuthOnProfile.token;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Probes of the demo job with production security on: a plain user token starts jobs only for its own user, and
 * only a few a minute (the issue saw bob start 480 jobs owned by alice in 3 s).
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class DemoJobsProbeTest {

    private static int start(String token, String owner) {
        return given().header("Authorization", bearer(token)).contentType(ContentType.JSON)
                .body("{\"owner\":\"" + owner + "\",\"hosts\":1}").post("/api/demo/rolling-update").then().extract()
                .statusCode();
    }

    private static int tasksOf(String owner) {
        return given().header("Authorization", bearer(publisher())).get("/api/tasks?owner=" + owner).then()
                .statusCode(200).extract().path("size()");
    }

    @Test
    void aUserStartsJobsOnlyForThemselves() {
        String alice = uniqueUser("alice"), bob = uniqueUser("bob");
        given().header("Authorization", bearer(token(bob))).contentType(ContentType.JSON)
                .body("{\"owner\":\"" + alice + "\",\"hosts\":1}").post("/api/demo/rolling-update").then()
                .statusCode(403).contentType("application/problem+json").body("field", equalTo("owner"));
        given().contentType(ContentType.JSON).body("{\"owner\":\"" + alice + "\"}").post("/api/demo/rolling-update")
                .then().statusCode(401);
        assertThat(tasksOf(alice)).isZero();
        assertThat(start(token(alice), alice)).isEqualTo(201);
        assertThat(tasksOf(alice)).isEqualTo(1);
    }

    @Test
    void aUserStartsOnlyAFewJobsAMinute() {
        String dan = uniqueUser("dan");
        for (int i = 0; i < DEMO_STARTS_PER_MINUTE; i++) {
            assertThat(start(token(dan), dan)).isEqualTo(201);
        }
        for (int i = 0; i < 5; i++) {
            given().header("Authorization", bearer(token(dan))).contentType(ContentType.JSON)
                    .body("{\"owner\":\"" + dan + "\",\"hosts\":1}").post("/api/demo/rolling-update").then()
                    .statusCode(429).contentType("application/problem+json")
                    .body("detail", containsString(DEMO_STARTS_PER_MINUTE + " demo jobs"));
        }
        assertThat(tasksOf(dan)).isEqualTo(DEMO_STARTS_PER_MINUTE);
        // Another user's quota is their own.
        String eve = uniqueUser("eve");
        assertThat(start(token(eve), eve)).isEqualTo(201);
    }
}
