package dev.herald.tasks;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/** Seed 004's long job: events reach the owner live, the whole state reads back later, bad input is refused. */
@QuarkusTest
class TaskRelayTest {

    @TestHTTPResource("/")
    URI base;

    private static String createTask(String owner, Integer total) {
        JsonObject body = new JsonObject().put("owner", owner).put("title", "update game servers");
        if (total != null) {
            body.put("total", total);
        }
        return given().contentType(ContentType.JSON).body(body.encode()).post("/api/tasks")
                .then().statusCode(201).body("status", equalTo("running")).body("progress", equalTo(0))
                .extract().path("id");
    }

    private static io.restassured.response.ValidatableResponse event(String id, JsonObject body) {
        return given().contentType(ContentType.JSON).body(body.encode()).post("/api/tasks/" + id + "/events").then();
    }

    @Test
    void eventsReachEveryTabOfTheOwnerLiveAndTheLogReadsBack() {
        String owner = uniqueUser("ops");
        try (var tab1 = TestSocket.user(base, owner); var tab2 = TestSocket.user(base, owner)) {
            String id = createTask(owner, 4);
            event(id, new JsonObject().put("progress", 1).put("line", "server-1 updated")).statusCode(201)
                    .body("percent", equalTo(25));
            event(id, new JsonObject().put("progress", 4).put("line", "all done").put("status", "succeeded"))
                    .statusCode(201).body("status", equalTo("succeeded"));

            for (TestSocket tab : new TestSocket[] { tab1, tab2 }) {
                JsonObject last = tab.await(f -> "task".equals(f.getString("type"))
                        && "succeeded".equals(f.getJsonObject("task").getString("status")));
                assertThat(last.getJsonObject("task").getInteger("percent")).isEqualTo(100);
                assertThat(last.getJsonObject("event").getString("line")).isEqualTo("all done");
                assertThat(tab.ofType("task")).extracting(f -> f.getJsonObject("event").getInteger("seq"))
                        .containsExactly(1, 2, 3);
            }

            // A page opened after the job finished still sees everything.
            given().get("/api/tasks/" + id).then().statusCode(200)
                    .body("progress", equalTo(4)).body("status", equalTo("succeeded"))
                    .body("events", hasSize(3)).body("events[1].line", equalTo("server-1 updated"));
            given().get("/api/tasks?owner=" + owner).then().statusCode(200).body("id", hasSize(1))
                    .body("[0].events", hasSize(3));
        }
    }

    @Test
    void badEventsAreRefused() {
        String owner = uniqueUser("ops2");
        String id = createTask(owner, 10);
        event("no-such-task", new JsonObject().put("progress", 1)).statusCode(404)
                .contentType("application/problem+json");
        event(id, new JsonObject().put("progress", 11)).statusCode(400).body("field", equalTo("progress"));
        event(id, new JsonObject().put("progress", -1)).statusCode(400).body("field", equalTo("progress"));
        event(id, new JsonObject()).statusCode(400).body("field", equalTo("progress"));
        event(id, new JsonObject().put("status", "exploded")).statusCode(400).body("field", equalTo("status"));
        event(id, new JsonObject().put("progress", "half")).statusCode(400).body("field", equalTo("progress"));
        event(id, new JsonObject().put("line", "x").put("extra", 1)).statusCode(400).body("field", equalTo("extra"));
        given().get("/api/tasks/" + id).then().body("events", hasSize(1));

        event(id, new JsonObject().put("status", "failed").put("line", "disk full")).statusCode(201);
        event(id, new JsonObject().put("line", "too late")).statusCode(409).contentType("application/problem+json");
        given().get("/api/tasks/" + id).then().body("status", equalTo("failed")).body("events", hasSize(2));
    }

    @Test
    void badTasksAreRefused() {
        given().contentType(ContentType.JSON).body("{\"title\":\"x\"}").post("/api/tasks").then().statusCode(400)
                .body("field", equalTo("owner"));
        given().contentType(ContentType.JSON).body("{\"owner\":\"a b\",\"title\":\"x\"}").post("/api/tasks").then()
                .statusCode(400).body("field", equalTo("owner"));
        given().contentType(ContentType.JSON).body("{\"owner\":\"ab\"}").post("/api/tasks").then().statusCode(400)
                .body("field", equalTo("title"));
        given().contentType(ContentType.JSON).body("{\"owner\":\"ab\",\"title\":\"x\",\"total\":0}").post("/api/tasks")
                .then().statusCode(400).body("field", equalTo("total"));
        given().get("/api/tasks").then().statusCode(400).body("field", equalTo("owner"));
    }

    @Test
    void demoRollingUpdateReportsThroughTheRelayToCompletion() {
        String owner = uniqueUser("demo");
        try (var tab = TestSocket.user(base, owner)) {
            String id = given().contentType(ContentType.JSON).body(new JsonObject().put("owner", owner).put("hosts", 3).encode())
                    .post("/api/demo/rolling-update").then().statusCode(201).extract().path("id");
            JsonObject done = tab.await(f -> "task".equals(f.getString("type"))
                    && "succeeded".equals(f.getJsonObject("task").getString("status")));
            assertThat(done.getJsonObject("task").getString("id")).isEqualTo(id);
            assertThat(done.getJsonObject("task").getInteger("percent")).isEqualTo(100);
            given().get("/api/tasks/" + id).then().body("events", hasSize(1 + 3 * 3));
        }
    }
}
