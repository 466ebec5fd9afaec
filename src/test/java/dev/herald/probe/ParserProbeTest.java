package dev.herald.probe;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Issue 11, items 17 (frame parser) and 3 ({@code ref}): a frame is one JSON object and nothing else, text is never
 * altered silently, and what the server echoes back is bounded. Each bad frame gets exactly one error, nothing of
 * it is delivered, the socket stays open and other users are unaffected.
 */
@QuarkusTest
class ParserProbeTest {

    @TestHTTPResource("/")
    URI base;

    /**
     * {@code TO} in a frame is replaced by the other user's name: a frame that slipped through would deliver
     * "smuggled" to them.
     */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed_json | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\"} garbage`",
            "malformed_json | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\"}{\"type\":\"join\",\"room\":\"r\"}`",
            "malformed_json | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\"}]`",
            "malformed_json | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\"} 42`",
            "malformed_json | ``",
            "malformed_json | `   `",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled \\ud800 here\"}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled \\udc00\"}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled \\udc00\\ud800\"}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled \\ud83d\\u0041\"}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":{\"a\":1}}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":[1,2]}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":true}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":123456789012345678901234567890}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":1e400}`",
            "invalid_field  | `{\"type\":\"send\",\"to\":\"TO\",\"text\":\"smuggled\",\"ref\":\"\\ud800\"}`",
    })
    void badFrameGetsExactlyOneErrorAndNothingIsDelivered(String code, String template) {
        String a = uniqueUser("strict"), b = uniqueUser("bystander");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            sa.send(template.replace("TO", b));
            JsonObject error = sa.awaitType("error");
            assertThat(error.getString("code")).isEqualTo(code);
            assertThat(error.containsKey("ref")).as("an unusable ref is not echoed").isFalse();
            // Still open and working, for this user and the other; the bad frame delivered nothing.
            sa.send(new JsonObject().put("type", "send").put("to", b).put("text", "after the error").put("ref", "ok"));
            sb.awaitText("after the error");
            sa.await(f -> "ack".equals(f.getString("type")) && "ok".equals(f.getString("ref")));
            assertThat(sb.messages()).extracting(m -> m.getString("text")).containsExactly("after the error");
            assertThat(sa.ofType("error")).hasSize(1);
            assertThat(sa.ofType("ack")).hasSize(1);
            assertThat(sb.ofType("error")).isEmpty();
            assertThat(sa.isClosed()).isFalse();
        }
    }

    /** Issue 11, item 18 at the new kinds: 10 000 bad frames, 10 000 errors, no socket closed, good traffic flows. */
    @Test
    void tenThousandStrictlyBadFramesGetTenThousandErrorsAndCloseNothing() {
        String target = uniqueUser("target");
        String[] kinds = { "{\"type\":\"send\",\"to\":\"" + target + "\",\"text\":\"x\"} garbage", "", " ",
                "{\"type\":\"broadcast\",\"text\":\"x\"}{}", "{\"type\":\"send\",\"to\":\"" + target
                        + "\",\"text\":\"\\ud800\"}",
                "{\"type\":\"send\",\"to\":\"" + target + "\",\"text\":\"\\udc00x\"}",
                "{\"type\":\"shout\",\"ref\":\"" + "r".repeat(65) + "\"}", "{\"type\":\"shout\",\"ref\":{}}",
                "{\"type\":\"shout\",\"ref\":1e999}", "{\"type\":\"" + "t".repeat(1000) + "\"}" };
        int each = 1000;
        List<TestSocket> sockets = new ArrayList<>();
        try (var t = TestSocket.user(base, target)) {
            for (int k = 0; k < kinds.length; k++) {
                sockets.add(TestSocket.user(base, uniqueUser("bad" + k)));
            }
            for (int i = 0; i < each; i++) {
                for (int k = 0; k < kinds.length; k++) {
                    sockets.get(k).send(kinds[k]);
                }
            }
            for (int k = 0; k < kinds.length; k++) {
                TestSocket s = sockets.get(k);
                Awaitility.await().alias("errors for kind " + k).atMost(Duration.ofSeconds(60))
                        .until(() -> s.ofType("error").size() >= each);
                s.send(new JsonObject().put("type", "send").put("to", target).put("text", "still fine"));
            }
            Awaitility.await().until(() -> t.messages().size() >= kinds.length);
            assertThat(t.messages()).extracting(m -> m.getString("text")).containsOnly("still fine")
                    .hasSize(kinds.length);
            for (TestSocket s : sockets) {
                assertThat(s.ofType("error")).hasSize(each);
                assertThat(s.isClosed()).isFalse();
            }
        } finally {
            sockets.forEach(TestSocket::close);
        }
    }

    @Test
    void aRefOverSixtyFourCharactersIsRefusedAndNotEchoed() {
        String a = uniqueUser("bigref");
        try (var sa = TestSocket.user(base, a)) {
            String big = "r".repeat(3000);
            sa.send(new JsonObject().put("type", "shout").put("ref", big));
            JsonObject error = sa.awaitType("error");
            assertThat(error.getString("code")).isEqualTo("invalid_field");
            assertThat(error.getString("message")).contains("ref");
            assertThat(sa.rawFrames().get(sa.rawFrames().size() - 1)).hasSizeLessThan(300);
            // 64 characters is fine, and is echoed as it came.
            String edge = "e".repeat(64);
            sa.send(new JsonObject().put("type", "send").put("to", a).put("text", "edge").put("ref", edge));
            assertThat(sa.await(f -> "ack".equals(f.getString("type"))).getString("ref")).isEqualTo(edge);
            sa.send(new JsonObject().put("type", "send").put("to", a).put("text", "neg").put("ref", -42));
            assertThat(sa.await(f -> "ack".equals(f.getString("type")) && Integer.valueOf(-42).equals(f.getValue("ref")))
                    .getLong("id")).isPositive();
            assertThat(sa.ofType("error")).hasSize(1);
        }
    }

    @Test
    void anUnknownTypeIsNotEchoedAtLength() {
        String a = uniqueUser("bigtype");
        try (var sa = TestSocket.user(base, a)) {
            sa.send(new JsonObject().put("type", "t".repeat(3500)).put("ref", 1));
            JsonObject error = sa.awaitError(1);
            assertThat(error.getString("code")).isEqualTo("unknown_type");
            assertThat(sa.rawFrames().get(sa.rawFrames().size() - 1)).hasSizeLessThan(300);
        }
    }

    @Test
    void aValidSurrogatePairArrivesIntact() {
        String a = uniqueUser("emoji"), b = uniqueUser("reader");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            sa.send("{\"type\":\"send\",\"to\":\"" + b + "\",\"text\":\"smile \\ud83d\\ude00 and \u00e9\u4e2d\"}");
            assertThat(sb.awaitType("message").getString("text")).isEqualTo("smile \uD83D\uDE00 and \u00e9\u4e2d");
            assertThat(sa.ofType("error")).isEmpty();
        }
    }
}
