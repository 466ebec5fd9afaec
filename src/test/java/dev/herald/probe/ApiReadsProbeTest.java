package dev.herald.probe;

import static dev.herald.probe.AuthOnProfile.bearer;
import static dev.herald.probe.AuthOnProfile.publisher;
import static dev.herald.probe.AuthOnProfile.token;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Probes of the HTTP API's reads with production security on: nothing is readable without a token, a user reads
 * only their own messages and tasks, and no list answers with more than a bounded page.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class ApiReadsProbeTest {

    private static RequestSpecification as(String token) {
        return given().header("Authorization", bearer(token));
    }

    /** A direct message from the back end to {@code to}, pending far in the future; returns its id. */
    private static String pendingMessageTo(String to, String text) {
        return as(publisher()).contentType(ContentType.JSON)
                .body("{\"to\":\"" + to + "\",\"text\":\"" + text + "\",\"delaySeconds\":86400}")
                .post("/api/messages").then().statusCode(201).extract().path("id");
    }

    private static String taskOf(String owner) {
        return as(publisher()).contentType(ContentType.JSON).body("{\"owner\":\"" + owner + "\",\"title\":\"secret job\"}")
                .post("/api/tasks").then().statusCode(201).extract().path("id");
    }

    @Test
    void anonymousReadsAre401() {
        String alice = uniqueUser("alice");
        String message = pendingMessageTo(alice, "for alice only");
        String task = taskOf(alice);
        for (String path : List.of("/api/messages", "/api/messages?status=pending", "/api/messages/" + message,
                "/api/users", "/api/tasks?owner=" + alice, "/api/tasks/" + task)) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
            given().header("Authorization", "Bearer not-a-token").get(path).then().statusCode(401);
        }
    }

    @Test
    void aUserReadsTheirOwnMessagesAndTasksOnly() {
        String alice = uniqueUser("alice"), bob = uniqueUser("bob");
        String toAlice = pendingMessageTo(alice, "dm for alice");
        String toBob = pendingMessageTo(bob, "dm for bob");
        String aliceTask = taskOf(alice);

        // Someone else's: 403, whatever the way in.
        as(token(bob)).get("/api/messages/" + toAlice).then().statusCode(403).contentType("application/problem+json");
        as(token(bob)).get("/api/tasks/" + aliceTask).then().statusCode(403);
        as(token(bob)).get("/api/tasks?owner=" + alice).then().statusCode(403).body("field", equalTo("owner"));
        List<String> bobSees = as(token(bob)).get("/api/messages?limit=1000").then().statusCode(200).extract()
                .path("id");
        assertThat(bobSees).contains(toBob).doesNotContain(toAlice);
        as(token(bob)).get("/api/messages?to=" + alice).then().statusCode(200).body("size()", equalTo(0));

        // Their own: 200.
        as(token(alice)).get("/api/messages/" + toAlice).then().statusCode(200).body("text", equalTo("dm for alice"));
        as(token(alice)).get("/api/messages?status=pending&to=" + alice).then().statusCode(200)
                .body("id", equalTo(List.of(toAlice)));
        as(token(alice)).get("/api/tasks/" + aliceTask).then().statusCode(200).body("owner", equalTo(alice));
        as(token(alice)).get("/api/tasks?owner=" + alice).then().statusCode(200).body("id", equalTo(List.of(aliceTask)));
        // Who is online: any valid token.
        as(token(bob)).get("/api/users").then().statusCode(200);
        // A publisher reads everything.
        as(publisher()).get("/api/messages/" + toAlice).then().statusCode(200);
        as(publisher()).get("/api/tasks?owner=" + alice).then().statusCode(200).body("size()", equalTo(1));
    }

    @Test
    void aListNeverAnswersMoreThanABoundedPage() {
        String carol = uniqueUser("carol");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 105; i++) {
            ids.add(pendingMessageTo(carol, "m" + i));
        }
        var first = as(token(carol)).get("/api/messages?to=" + carol).then().statusCode(200).extract();
        assertThat(first.<List<String>>path("id")).hasSize(100).isEqualTo(ids.subList(0, 100));
        assertThat(first.header("Link")).matches("</api/messages\\?.*cursor=.*>; rel=\"next\"");
        as(token(carol)).get("/api/messages?limit=1001").then().statusCode(400).body("field", equalTo("limit"));
        as(token(carol)).get("/api/messages?limit=0").then().statusCode(400).body("field", equalTo("limit"));
    }
}
