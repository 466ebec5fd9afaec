package dev.herald.sse;

import static dev.herald.probe.AuthOnProfile.token;
import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.herald.probe.AuthOnProfile;
import dev.herald.support.EventStream;
import dev.herald.support.Pages;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Production security on an event stream: the same token and Origin rules as a socket when it opens, a token for
 * the connection's own user on every POST, and the stream ends when its token expires unless an auth frame renews it.
 */
@QuarkusTest
@TestProfile(AuthOnProfile.class)
class EventStreamAuthTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aStreamOpensOnlyWithAValidTokenForItsOwnUser() {
        String ann = uniqueUser("ann");
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("no token", "");
        refused.put("another user's", "?token=" + token("mallory"));
        refused.put("garbage", "?token=garbage");
        refused.put("expired", "?token=" + token(ann, Set.of(), Instant.now().minusSeconds(600)));
        refused.forEach((what, query) -> {
            EventStream.Answer answer = EventStream.refused(base, "/sse/" + ann + query);
            assertThat(answer.status()).as(what).isEqualTo(401);
            assertThat(answer.body()).as(what).doesNotContain("eyJ");
        });
        // Nothing happened for the refused attempts: ann never appeared online.
        assertThat(Pages.all("/api/users?limit=1000", Map.of("Authorization", "Bearer " + AuthOnProfile.publisher())))
                .noneMatch(u -> ann.equals(u.get("user")));

        try (var byQuery = EventStream.open(base, "/sse/" + ann + "?token=" + token(ann));
                var byHeader = EventStream.open(base, "/sse/" + ann, Map.of("Authorization", "Bearer " + token(ann)))) {
            assertThat(byQuery.awaitType("welcome").getString("user")).isEqualTo(ann);
            assertThat(byHeader.awaitType("welcome").getString("user")).isEqualTo(ann);
        }
    }

    @Test
    void onlyThisOriginAndListedOnesMayOpenAStream() {
        String dee = uniqueUser("dee");
        String path = "/sse/" + dee + "?token=" + token(dee);
        String self = "http://" + base.getHost() + ":" + base.getPort();
        for (String foreign : new String[] { "https://evil.example.net", "null", "https://chat.example.com.evil.net",
                "http://attacker@" + base.getHost() + ":" + base.getPort() }) {
            assertThat(EventStream.refused(base, path, Map.of("Origin", foreign)).status()).as(foreign).isEqualTo(403);
        }
        for (String allowed : new String[] { self, AuthOnProfile.LISTED_ORIGIN }) {
            try (var s = EventStream.open(base, path, Map.of("Origin", allowed))) {
                assertThat(s.awaitType("welcome").getString("user")).isEqualTo(dee);
            }
        }
    }

    @Test
    void everyPostNeedsATokenForTheConnectionsUser() {
        String eli = uniqueUser("eli");
        try (var sse = EventStream.open(base, "/sse/" + eli + "?token=" + token(eli))) {
            String id = sse.connectionId();
            Buffer frame = Buffer.buffer(new JsonObject().put("type", "send").put("to", eli).put("text", "hi").encode());
            Map<String, Map<String, String>> bad = new LinkedHashMap<>();
            bad.put("no token", Map.of("Herald-Connection", id));
            bad.put("garbage", Map.of("Herald-Connection", id, "Authorization", "Bearer garbage"));
            bad.put("another user's", Map.of("Herald-Connection", id, "Authorization", "Bearer " + token("mallory")));
            bad.put("a publisher that is not the user", Map.of("Herald-Connection", id, "Authorization",
                    "Bearer " + AuthOnProfile.publisher()));
            bad.forEach((what, headers) -> {
                EventStream.Answer answer = EventStream.post(base, headers, frame);
                assertThat(answer.status()).as(what).isEqualTo(401);
                assertThat(answer.json().getString("code")).as(what).isEqualTo("invalid_token");
            });
            assertThat(sse.messages()).isEmpty();
            // A page from another origin cannot post either.
            assertThat(EventStream.post(base, Map.of("Herald-Connection", id, "Authorization", "Bearer " + token(eli),
                    "Origin", "https://evil.example.net"), frame).status()).isEqualTo(403);

            EventStream.Answer ok = sse.post(frame.toString(), Map.of("Authorization", "Bearer " + token(eli)));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(sse.awaitText("hi").getLong("id")).isEqualTo(ok.json().getLong("id"));
        }
    }

    @Test
    void aStreamEndsWhenItsTokenExpiresUnlessAnAuthFrameRenewsIt() {
        String fin = uniqueUser("fin"), gil = uniqueUser("gil");
        String shortFin = token(fin, Set.of(), Instant.now().plusSeconds(2));
        String shortGil = token(gil, Set.of(), Instant.now().plusSeconds(2));
        try (var expiring = EventStream.open(base, "/sse/" + fin + "?token=" + shortFin);
                var renewed = EventStream.open(base, "/sse/" + gil + "?token=" + shortGil)) {
            expiring.awaitType("welcome");
            String fresh = token(gil);
            EventStream.Answer ack = renewed.post(new JsonObject().put("type", "auth").put("token", fresh).put("ref", 1)
                    .encode(), Map.of("Authorization", "Bearer " + fresh));
            assertThat(ack.status()).isEqualTo(200);
            assertThat(ack.json().getString("type")).isEqualTo("ack");

            // Token lifetime + 5 s skew + the 1 s sweep, with room for a busy machine.
            expiring.awaitEnded(Duration.ofSeconds(25));
            assertThat(renewed.ended()).isFalse();
            EventStream.Answer after = renewed.post(new JsonObject().put("type", "send").put("to", gil)
                    .put("text", "still here").encode(), Map.of("Authorization", "Bearer " + fresh));
            assertThat(after.status()).isEqualTo(200);
            renewed.awaitText("still here");
        }
    }
}
