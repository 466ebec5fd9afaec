package dev.herald.auth;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.probe.AuthOnProfile;
import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;

/** Production security on: tokens at the upgrade and on every API call, and the Origin allow-list. */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class AuthTest {

    static final String SECRET = AuthOnProfile.SECRET;

    @TestHTTPResource("/")
    URI base;

    private static String token(String user, Set<String> groups, Instant expires, String secret) {
        return Jwt.issuer("herald").subject(user).groups(groups).expiresAt(expires).signWithSecret(secret);
    }

    private static String token(String user) {
        return token(user, Set.of(), Instant.now().plusSeconds(600), SECRET);
    }

    @Test
    void socketNeedsAValidTokenForItsOwnUser() {
        String ann = uniqueUser("ann"), watcher = uniqueUser("watcher");
        try (var w = TestSocket.open(base, "/ws/" + watcher + "?token=" + token(watcher))) {
            w.awaitType("welcome");
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann)).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann + "?token=" + token("mallory"))).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann + "?token=garbage")).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann + "?token="
                    + token(ann, Set.of(), Instant.now().minusSeconds(600), SECRET))).isEqualTo(401);
            assertThat(TestSocket.rejectedStatus(base, "/ws/" + ann + "?token="
                    + token(ann, Set.of(), Instant.now().plusSeconds(600), "another-secret-0123456789abcdef-0123456")))
                    .isEqualTo(401);
            // Nothing happened for the refused attempts: ann never appeared online.
            given().header("Authorization", "Bearer " + token(watcher)).get("/api/users?limit=1000").then()
                    .statusCode(200).body("user", not(hasItem(ann)));

            try (var s = TestSocket.open(base, "/ws/" + ann + "?token=" + token(ann))) {
                assertThat(s.awaitType("welcome").getString("user")).isEqualTo(ann);
            }
            try (var s = TestSocket.open(base, "/ws/" + ann, Map.of("Authorization", "Bearer " + token(ann)))) {
                s.awaitType("welcome");
            }
            // Other test classes' users may come and go in this application; mallory (a token for another user) never.
            Awaitility.await().until(() -> w.presence().stream().anyMatch(e -> e.user().equals(ann)));
            assertThat(w.presence()).extracting(e -> e.user()).filteredOn(u -> u.equals(ann) || u.equals("mallory"))
                    .containsOnly(ann);
        }
    }

    @Test
    void apiWritesNeedAPublisherTokenAndReadsAToken() {
        String body = "{\"to\":\"bea\",\"text\":\"hi\"}";
        given().contentType(ContentType.JSON).body(body).post("/api/messages").then().statusCode(401)
                .contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token("bea")).body(body)
                .post("/api/messages").then().statusCode(403).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + token("backend", Set.of("publisher"), Instant.now().plusSeconds(60), SECRET))
                .body(body).post("/api/messages").then().statusCode(201);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer nonsense").body("{\"owner\":\"a\",\"title\":\"t\"}")
                .post("/api/tasks").then().statusCode(401);
        given().get("/api/users").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", "Bearer " + token("bea")).get("/api/users").then().statusCode(200);
    }

    @Test
    void devTokenEndpointGivesTheTestPageAWorkingToken() {
        String cid = uniqueUser("cid");
        String token = given().get("/api/dev/token?user=" + cid).then().statusCode(200).extract().path("token");
        try (var s = TestSocket.open(base, "/ws/" + cid + "?token=" + token)) {
            s.awaitType("welcome");
        }
        given().get("/api/dev/token?user=bad%20name").then().statusCode(400).body("field", equalTo("user"));
    }

    @Test
    void pagesFromOtherOriginsAreRefused() {
        String dee = uniqueUser("dee");
        String path = "/ws/" + dee + "?token=" + token(dee);
        assertThat(TestSocket.rejectedStatus(base, path, Map.of("Origin", "https://evil.example.net"))).isEqualTo(403);
        try (var s = TestSocket.open(base, path, Map.of("Origin", "https://chat.example.com"))) {
            s.awaitType("welcome");
        }
        String self = "http://" + base.getHost() + ":" + base.getPort();
        try (var s = TestSocket.open(base, path, Map.of("Origin", self))) {
            s.awaitType("welcome");
        }
    }
}
