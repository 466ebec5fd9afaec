package dev.herald.probe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Probes of broken HTTP bodies: each is a 400 problem whose {@code field} names the body's member the parser was
 * reading, or is present and null when the body as a whole is at fault, with a detail saying what is wrong; and
 * nothing is stored.
 */
@QuarkusTest
class HttpInputProbeTest {

    private static final String DEEP = "[".repeat(3000) + "]".repeat(3000);

    /** Messages stored for amy, whom every body below would have written to. */
    private static int storedCount() {
        return given().get("/api/messages?to=amy&limit=1000").then().statusCode(200).extract().path("size()");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "-", value = {
            "truncated                | to           | {\"to\":",
            "NaN                      | delaySeconds | {\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":NaN}",
            "Infinity                 | delaySeconds | {\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":-Infinity}",
            "bad token in a value     | text         | {\"to\":\"amy\",\"text\":nope}",
            "unquoted name            | -            | {to:\"amy\",\"text\":\"x\"}",
            "not JSON at all          | -            | hello",
            "a JSON array             | -            | [1,2]",
            "a JSON string            | -            | \"hi\"",
    })
    void brokenBodiesAre400WithAField(String what, String field, String body) {
        int before = storedCount();
        given().contentType(ContentType.JSON).body(body).post("/api/messages").then().statusCode(400)
                .contentType("application/problem+json").body("$", hasKey("field")).body("field", equalTo(field))
                .body("detail", not(emptyOrNullString()));
        given().get("/api/messages?to=amy&limit=1000").then().body("size()", equalTo(before));
    }

    @Test
    void deepNestingIs400WithAField() {
        int before = storedCount();
        given().contentType(ContentType.JSON).body("{\"to\":\"amy\",\"text\":\"x\",\"delaySeconds\":" + DEEP + "}")
                .post("/api/messages").then().statusCode(400).body("field", equalTo("delaySeconds"));
        given().contentType(ContentType.JSON).body(DEEP).post("/api/messages").then().statusCode(400)
                .body("$", hasKey("field")).body("field", nullValue()).body("detail", not(emptyOrNullString()));
        given().contentType(ContentType.JSON).body("{\"to\":\"amy\",\"text\":\"x\",\"cron\":{\"a\":" + DEEP + "}}")
                .post("/api/messages").then().statusCode(400).body("field", equalTo("cron"));
        given().get("/api/messages?to=amy&limit=1000").then().body("size()", equalTo(before));
    }
}
