package dev.herald.probe;

import static dev.herald.probe.AuthOnProfile.token;
import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;

/**
 * Probes of token expiry on open sockets with production security on: a socket is closed with 1008 once its
 * token has expired (plus the 5 s clock skew), unless the client renewed it with an {@code auth} frame carrying a
 * fresh token for the same user; a bad renewal is an {@code invalid_token} error and changes nothing.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class TokenExpiryProbeTest {

    /** Token lifetime + 5 s skew + the 1 s sweep, with room for a busy machine. */
    private static final Duration CLOSES_WITHIN = Duration.ofSeconds(25);

    @TestHTTPResource("/")
    URI base;

    private TestSocket openWithShortToken(String user) {
        String shortLived = token(user, Set.of(), Instant.now().plusSeconds(2));
        TestSocket s = TestSocket.open(base, "/ws/" + user + "?token=" + shortLived);
        s.awaitType("welcome");
        return s;
    }

    @Test
    void aSocketClosesWhenItsTokenExpiresUnlessRenewed() {
        String ann = uniqueUser("ann"), ben = uniqueUser("ben"), cid = uniqueUser("cid");
        try (TestSocket expiring = openWithShortToken(ann);
                TestSocket renewed = openWithShortToken(ben);
                TestSocket badlyRenewed = openWithShortToken(cid)) {
            renewed.send(new JsonObject().put("type", "auth").put("token", token(ben)).put("ref", "r1"));
            assertThat(renewed.await(f -> "r1".equals(f.getValue("ref"))).getString("type")).isEqualTo("ack");

            badlyRenewed.send(new JsonObject().put("type", "auth").put("token", token(ann)).put("ref", "other-user"));
            badlyRenewed.send(new JsonObject().put("type", "auth").put("token", "garbage").put("ref", "garbage"));
            badlyRenewed.send(new JsonObject().put("type", "auth").put("ref", "missing"));
            assertThat(badlyRenewed.awaitError("other-user").getString("code")).isEqualTo("invalid_token");
            assertThat(badlyRenewed.awaitError("garbage").getString("code")).isEqualTo("invalid_token");
            assertThat(badlyRenewed.awaitError("missing").getString("code")).isEqualTo("missing_field");

            assertThat(expiring.awaitClosed(CLOSES_WITHIN)).isEqualTo(1008);
            assertThat(badlyRenewed.awaitClosed(CLOSES_WITHIN)).isEqualTo(1008);
            // The renewed socket outlived the others and still works.
            assertThat(renewed.isClosed()).isFalse();
            renewed.send(new JsonObject().put("type", "send").put("to", ben).put("text", "still here").put("ref", 2));
            renewed.awaitText("still here");
            assertThat(renewed.isClosed()).isFalse();
        }
    }
}
