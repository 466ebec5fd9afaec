package dev.herald.probe;

import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 10: mailboxes of users who never connect were unbounded in number (DMs to 20 000 names grew the
 * heap 12 → 95 MB for good). At most {@code herald.delivery.max-offline-users} offline users keep a mailbox; past
 * it the oldest is evicted and counted.
 */
@QuarkusTest
@TestProfile(OfflineMailboxProbeTest.ThreeOffline.class)
class OfflineMailboxProbeTest {

    static final int MAX_OFFLINE = 3;

    public static class ThreeOffline implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.delivery.max-offline-users", String.valueOf(MAX_OFFLINE));
        }
    }

    @TestHTTPResource("/")
    URI base;

    static double metric(String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.E+-]+)$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void pastTheBoundTheOldestOfflineMailboxesAreEvictedAndCounted() {
        double evictedBefore = metric("herald_mailbox_evicted_total");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < MAX_OFFLINE + 2; i++) {
            names.add(uniqueUser("never" + i));
            given().contentType(ContentType.JSON)
                    .body(new JsonObject().put("to", names.get(i)).put("text", "hello " + i).encode())
                    .post("/api/messages").then().statusCode(201);
        }
        assertThat(metric("herald_mailbox_evicted_total") - evictedBefore).isEqualTo(2);
        List<TestSocket> open = new ArrayList<>();
        try {
            // The newest three kept their mail (all connected at once, so no one goes offline meanwhile)...
            for (int i = 2; i < names.size(); i++) {
                TestSocket r = TestSocket.user(base, names.get(i));
                open.add(r);
                assertThat(r.awaitMessages(1)).extracting(m -> m.getString("text")).containsExactly("hello " + i);
            }
            // ...the two oldest lost theirs.
            for (int i = 0; i < 2; i++) {
                TestSocket r = TestSocket.user(base, names.get(i));
                open.add(r);
                r.send(new JsonObject().put("type", "send").put("to", names.get(i)).put("text", "marker"));
                r.awaitText("marker");
                assertThat(r.messages()).extracting(m -> m.getString("text")).containsExactly("marker");
            }
            assertThat(metric("herald_mailbox_evicted_total") - evictedBefore).isEqualTo(2);
        } finally {
            open.forEach(TestSocket::close);
        }
    }
}
