package dev.herald.probe;

import static dev.herald.probe.OfflineMailboxProbeTest.metric;
import static dev.herald.support.TestSocket.uniqueUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, item 10: undelivered mail was kept for ever, even after retention and sweeps. It is kept for
 * {@code herald.delivery.mailbox-retention}; older mail is discarded and counted.
 */
@QuarkusTest
@TestProfile(MailboxRetentionProbeTest.ShortRetention.class)
class MailboxRetentionProbeTest {

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("herald.delivery.mailbox-retention", "2s", "herald.delivery.sweep-every", "1s");
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void undeliveredMailOlderThanTheRetentionIsDiscardedAndCounted() {
        double expiredBefore = metric("herald_mailbox_expired_total");
        String away = uniqueUser("away"), back = uniqueUser("back");
        for (int i = 1; i <= 3; i++) {
            post(away, "old " + i);
        }
        Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> metric("herald_mailbox_expired_total") - expiredBefore >= 3);
        assertThat(metric("herald_mailbox_expired_total") - expiredBefore).isEqualTo(3);
        post(back, "fresh");
        try (var a = TestSocket.user(base, away); var b = TestSocket.user(base, back)) {
            a.send(new JsonObject().put("type", "send").put("to", away).put("text", "marker"));
            a.awaitText("marker");
            assertThat(a.messages()).extracting(m -> m.getString("text")).containsExactly("marker");
            assertThat(b.awaitMessages(1)).extracting(m -> m.getString("text")).containsExactly("fresh");
        }
    }

    private static void post(String to, String text) {
        given().contentType(ContentType.JSON).body(new JsonObject().put("to", to).put("text", text).encode())
                .post("/api/messages").then().statusCode(201);
    }
}
