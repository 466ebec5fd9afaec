package dev.herald.ws;

import static dev.herald.support.TestSocket.uniqueUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.herald.support.TestSocket;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Every kind of bad frame gets one error frame with a stable code; the connection and everyone else go on. */
@QuarkusTest
class BadInputTest {

    @TestHTTPResource("/")
    URI base;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "malformed_json   | {\"type\":\"send\",",
            "not_an_object    | [1,2,3]",
            "not_an_object    | \"just a string\"",
            "unknown_type     | {\"type\":\"shout\",\"text\":\"x\"}",
            "missing_field    | {\"text\":\"no type\"}",
            "missing_field    | {\"type\":\"send\",\"to\":\"x\"}",
            "missing_field    | {\"type\":\"send\",\"text\":\"to nobody\"}",
            "missing_field    | {\"type\":\"join\"}",
            "missing_field    | {\"type\":\"resume\"}",
            "invalid_field    | {\"type\":\"resume\",\"since\":\"yesterday\"}",
            "invalid_field    | {\"type\":\"send\",\"to\":\"bad name\",\"text\":\"x\"}",
            "invalid_field    | {\"type\":\"send\",\"to\":\"x\",\"room\":\"y\",\"text\":\"x\"}",
            "invalid_field    | {\"type\":\"broadcast\",\"text\":42}",
            "invalid_field    | {\"type\":\"broadcast\",\"text\":\"\"}",
            "unknown_room     | {\"type\":\"send\",\"room\":\"nobody-here-ever\",\"text\":\"x\"}",
            "unknown_room     | {\"type\":\"leave\",\"room\":\"nobody-here-ever\"}",
    })
    void badFrameGetsOneErrorAndTheConnectionStaysUsable(String code, String frame) {
        String a = uniqueUser("bad"), b = uniqueUser("good");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b)) {
            sa.send(frame);
            JsonObject error = sa.awaitType("error");
            assertThat(error.getString("code")).isEqualTo(code);
            assertThat(error.getString("message")).isNotBlank();
            // Still open and working, for this user and the other.
            sa.send(new JsonObject().put("type", "send").put("to", b).put("text", "after the error"));
            sb.awaitText("after the error");
            sa.awaitText("after the error");
            assertThat(sa.ofType("error")).hasSize(1);
            assertThat(sb.ofType("error")).isEmpty();
        }
    }

    @Test
    void errorCarriesTheRefOfTheFrameItAnswers() {
        String a = uniqueUser("ref");
        try (var sa = TestSocket.user(base, a)) {
            sa.send("{\"type\":\"shout\",\"ref\":\"abc\"}");
            assertThat(sa.awaitError("abc").getString("code")).isEqualTo("unknown_type");
            sa.send("{\"type\":\"send\",\"to\":\"x\",\"ref\":7}");
            assertThat(sa.awaitError(7).getString("code")).isEqualTo("missing_field");
        }
    }

    @Test
    void roomThatExistsButWasNotJoinedIsRefused() {
        String room = uniqueUser("club"), member = uniqueUser("member"), outsider = uniqueUser("outsider");
        try (var m = TestSocket.user(base, member); var o = TestSocket.user(base, outsider)) {
            m.send(new JsonObject().put("type", "join").put("room", room).put("ref", 1));
            m.awaitType("ack");
            o.send(new JsonObject().put("type", "send").put("room", room).put("text", "let me in").put("ref", "x"));
            assertThat(o.awaitError("x").getString("code")).isEqualTo("not_in_room");
            m.send(new JsonObject().put("type", "send").put("room", room).put("text", "members only"));
            m.awaitText("members only");
            assertThat(m.messages()).extracting(f -> f.getString("text")).containsExactly("members only");
        }
    }

    @Test
    void overLongTextIsRefusedWithTextTooLong() {
        // The test profile allows 200 characters.
        String a = uniqueUser("long");
        try (var sa = TestSocket.user(base, a)) {
            sa.send(new JsonObject().put("type", "broadcast").put("text", "x".repeat(201)).put("ref", "L"));
            assertThat(sa.awaitError("L").getString("code")).isEqualTo("text_too_long");
            sa.send(new JsonObject().put("type", "send").put("to", a).put("text", "x".repeat(200)).put("ref", "ok"));
            sa.await(f -> "ack".equals(f.getString("type")) && "ok".equals(f.getString("ref")));
        }
    }

    @Test
    void binaryFrameIsRefusedWithAnError() {
        String a = uniqueUser("bin");
        try (var sa = TestSocket.user(base, a)) {
            sa.sendBinary(new byte[] { 1, 2, 3 });
            assertThat(sa.awaitType("error").getString("code")).isEqualTo("binary_not_supported");
        }
    }

    @Test
    void frameOverTheHardLimitClosesWith1009AndOthersAreUnaffected() {
        // The test profile sets the frame limit to 4096 bytes.
        String a = uniqueUser("huge"), b = uniqueUser("calm"), c = uniqueUser("calm2");
        try (var sa = TestSocket.user(base, a); var sb = TestSocket.user(base, b); var sc = TestSocket.user(base, c)) {
            sa.send("{\"type\":\"broadcast\",\"text\":\"" + "y".repeat(5000) + "\"}");
            assertThat(sa.awaitClosed()).isEqualTo(1009);
            sb.send(new JsonObject().put("type", "send").put("to", c).put("text", "unaffected"));
            sc.awaitText("unaffected");
        }
    }
}
