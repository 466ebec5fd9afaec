package dev.herald.ops;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.net.URI;

import org.awaitility.Awaitility;
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
        double directIn = metric("herald_messages_in_total{kind=\"direct\"}");
        double directOut = metric("herald_messages_out_total{kind=\"direct\"}");
        double malformed = metric("herald_errors_total{code=\"malformed_json\"}");
        double connections = metric("herald_connections_open");
        try (var s = TestSocket.user(base, a)) {
            assertThat(metric("herald_connections_open")).isEqualTo(connections + 1);
            s.send(new JsonObject().put("type", "send").put("to", a).put("text", "counted"));
            s.awaitText("counted");
            s.send("not json");
            s.awaitType("error");
            assertThat(metric("herald_messages_in_total{kind=\"direct\"}")).isEqualTo(directIn + 1);
            // Sent to oneself: one stream append, the recipient's, which is also the sender's copy.
            assertThat(metric("herald_messages_out_total{kind=\"direct\"}")).isEqualTo(directOut + 1);
            assertThat(metric("herald_errors_total{code=\"malformed_json\"}")).isEqualTo(malformed + 1);
            management().get("/q/metrics").then().statusCode(200)
                    .body(containsString("herald_users_online"))
                    .body(containsString("herald_schedule_pending"))
                    .body(containsString("herald_schedule_lateness_seconds"))
                    .body(containsString("herald_mailbox_dropped_total"));
        }
        Awaitility.await().until(() -> metric("herald_connections_open") == connections);
    }

    /** One sample of the Prometheus scrape, by its name and labels as written there; 0 when absent. */
    private double metric(String sample) {
        String name = sample.contains("{") ? sample.substring(0, sample.indexOf('{')) : sample;
        String labels = sample.contains("{") ? sample.substring(sample.indexOf('{') + 1, sample.length() - 1) : "";
        for (String line : management().get("/q/metrics").then().statusCode(200).extract().asString().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String rest = line.substring(name.length());
                String lineLabels = rest.startsWith("{") ? rest.substring(1, rest.indexOf('}')) : "";
                if (lineLabels.replaceAll(",$", "").equals(labels)) {
                    return Double.parseDouble(rest.substring(rest.lastIndexOf(' ') + 1));
                }
            }
        }
        return 0;
    }

    @Test
    void openApiDescribesTheHttpApi() {
        management().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/messages"))
                .body("paths", org.hamcrest.Matchers.hasKey("/api/tasks/{id}/events"));
    }
}
