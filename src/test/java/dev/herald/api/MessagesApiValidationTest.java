package dev.herald.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.herald.support.Pages;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Every bad request to /api/messages is a 400 problem+json naming the field, and creates nothing. */
@QuarkusTest
class MessagesApiValidationTest {

    /** Every stored message, following the list's pages. */
    private static int storedCount() {
        return Pages.all("/api/messages?limit=1000").size();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "missing target    | to           | {\"text\":\"x\"}",
            "missing text      | text         | {\"to\":\"amy\"}",
            "empty text        | text         | {\"to\":\"amy\",\"text\":\"\"}",
            "two targets       | room         | {\"to\":\"amy\",\"room\":\"r\",\"text\":\"x\"}",
            "to and broadcast  | broadcast    | {\"to\":\"amy\",\"broadcast\":true,\"text\":\"x\"}",
            "bad date          | deliverAt    | {\"to\":\"amy\",\"text\":\"x\",\"deliverAt\":\"tomorrow at 9\"}",
            "date no offset    | deliverAt    | {\"to\":\"amy\",\"text\":\"x\",\"deliverAt\":\"2030-01-01T09:00:00\"}",
            "bad cron          | cron         | {\"to\":\"amy\",\"text\":\"x\",\"cron\":\"every monday\"}",
            "bad cron value    | cron         | {\"to\":\"amy\",\"text\":\"x\",\"cron\":\"99 * * * *\"}",
            "two times         | delaySeconds | {\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":5,\"deliverAt\":\"2030-01-01T09:00:00Z\"}",
            "negative delay    | delaySeconds | {\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":-1}",
            "delay not number  | delaySeconds | {\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":\"soon\"}",
            "over-long text    | text         | `{\"to\":\"amy\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}`",
            "unknown field     | colour       | {\"to\":\"amy\",\"text\":\"x\",\"colour\":\"red\"}",
            "bad user name     | to           | {\"to\":\"amy smith\",\"text\":\"x\"}",
            "bad room name     | room         | {\"room\":\"a/b\",\"text\":\"x\"}",
            "bad sender        | from         | {\"to\":\"amy\",\"from\":\"\",\"text\":\"x\"}",
            "broadcast wrong   | broadcast    | {\"broadcast\":\"yes\",\"text\":\"x\"}",
    })
    void badRequestIsRefusedNamingTheField(String what, String field, String body) {
        int before = storedCount();
        given().contentType(ContentType.JSON).body(body).post("/api/messages")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("field", equalTo(field))
                .body("detail", containsString(field));
        org.assertj.core.api.Assertions.assertThat(storedCount()).isEqualTo(before);
    }

    @Test
    void malformedJsonIsAProblemToo() {
        given().contentType(ContentType.JSON).body("{\"to\":").post("/api/messages")
                .then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
    }

    @Test
    void unknownIdIs404AndUnknownStatusIs400() {
        given().get("/api/messages/nope").then().statusCode(404).contentType("application/problem+json");
        given().delete("/api/messages/nope").then().statusCode(404).contentType("application/problem+json");
        given().get("/api/messages?status=lost").then().statusCode(400).body("field", equalTo("status"));
    }

    @Test
    void listFiltersByStatusAndDeleteOfADeliveredMessageIs409() {
        String delivered = given().contentType(ContentType.JSON).body("{\"to\":\"tom\",\"text\":\"now\"}")
                .post("/api/messages").then().statusCode(201).extract().path("id");
        // Next year on New Year's midnight at +01:00 (within herald.schedule.max-ahead), stored in UTC.
        int year = java.time.Year.now().getValue() + 1;
        String pending = given().contentType(ContentType.JSON)
                .body("{\"to\":\"tom\",\"text\":\"later\",\"deliverAt\":\"" + year + "-01-01T00:00:00+01:00\"}")
                .post("/api/messages").then().statusCode(201).body("status", equalTo("pending"))
                .body("deliverAt", equalTo((year - 1) + "-12-31T23:00:00Z")).extract().path("id");

        org.assertj.core.api.Assertions.assertThat(ids("pending")).contains(pending).doesNotContain(delivered);
        org.assertj.core.api.Assertions.assertThat(ids("delivered")).contains(delivered);

        given().delete("/api/messages/" + delivered).then().statusCode(409).contentType("application/problem+json");
        given().delete("/api/messages/" + pending).then().statusCode(200).body("status", equalTo("cancelled"));
        given().delete("/api/messages/" + pending).then().statusCode(409);
        org.assertj.core.api.Assertions.assertThat(ids("cancelled")).contains(pending);
    }

    private static java.util.List<Object> ids(String status) {
        return Pages.all("/api/messages?limit=1000&status=" + status).stream().map(m -> m.get("id")).toList();
    }
}
