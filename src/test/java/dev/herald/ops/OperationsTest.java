package dev.herald.ops;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URI;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

/** Health, Prometheus metrics and the OpenAPI document, as an operator reads them. */
@QuarkusTest
class OperationsTest {

    @TestHTTPResource("/")
    URI base;

    /** Requests to where /q/* answers: the main port here, the management interface in the packaged build. */
    protected RequestSpecification management() {
        return given();
    }

    @Test
    void healthIsUpLiveAndReady() {
        management().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        management().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("scheduled-messages"));
    }

    @Test
    void metricsCountConnectionsMessagesAndErrors() {
        String a = uniqueUser("metric");
        try (var s = TestSocket.user(base, a)) {
            s.send(new JsonObject().put("type", "send").put("to", a).put("text", "counted"));
            s.awaitText("counted");
            s.send("not json");
            s.awaitType("error");
            management().get("/q/metrics").then().statusCode(200)
                    .body(containsString("herald_connections_open"))
                    .body(containsString("herald_users_online"))
                    .body(containsString("herald_messages_in_total{kind=\"direct\""))
                    .body(containsString("herald_messages_out_total{kind=\"direct\""))
                    .body(containsString("herald_errors_total{code=\"malformed_json\""))
                    .body(containsString("herald_schedule_pending"))
                    .body(containsString("herald_schedule_lateness_seconds"))
                    .body(containsString("herald_mailbox_dropped_total"));
        }
    }

    @Test
    void openApiDescribesTheHttpApi() {
        management().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/messages"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{id}/events"));
    }
}
