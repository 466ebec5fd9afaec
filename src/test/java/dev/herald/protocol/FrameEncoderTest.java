package dev.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A stream entry's frame, as each recipient's socket gets it: the same JSON with that stream's id. */
class FrameEncoderTest {

    private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    private final FrameEncoder encoder = new FrameEncoder(mapper);

    @ParameterizedTest
    @ValueSource(longs = { 1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE })
    void eachRecipientsBytesAreTheFrameWithItsOwnId(long id) throws Exception {
        EncodedMessage m = encoder.message(Message.direct("ann", "bob", "héllo \"wörld\" ✓ 😀", Kind.DIRECT,
                Instant.ofEpochSecond(1_700_000_000)));

        byte[] bytes = m.frameUtf8(id);
        JsonNode frame = mapper.readTree(bytes);

        assertThat(frame.get("type").asText()).isEqualTo("message");
        assertThat(frame.get("id").asLong()).isEqualTo(id);
        assertThat(frame.get("text").asText()).isEqualTo("héllo \"wörld\" ✓ 😀");
        assertThat(frame.get("from").asText()).isEqualTo("ann");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(m.withId(id));
    }

    @ParameterizedTest
    @ValueSource(strings = { "\"r1\"", "7", "-1.5", "\"quote \\\" and ✓ 😀\"", "{\"a\":[1,true,null]}", "null" })
    void theAckOfASentMessageIsTheJsonJacksonWouldWrite(String refJson) throws Exception {
        JsonNode ref = mapper.readTree(refJson);
        String message = encoder.message(Message.direct("ann", "bob", "hi", Kind.DIRECT, Instant.EPOCH)).withId(42);
        for (ServerFrame.Ack ack : new ServerFrame.Ack[] { ServerFrame.Ack.sent(ref, 42), ServerFrame.Ack.sent(ref, 42, message),
                ServerFrame.Ack.sent(null, 42, message) }) {
            assertThat(mapper.readTree(encoder.json(ack))).isEqualTo(mapper.readTree(mapper.writeValueAsString(ack)));
            assertThat(encoder.json(ack)).isEqualTo(mapper.writeValueAsString(ack));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = { 1, 42 })
    void aReceiptIsFramedTheSameWay(long id) throws Exception {
        JsonNode frame = mapper.readTree(encoder.receipt("ann", "bob", 7).frameUtf8(id));

        assertThat(frame.get("type").asText()).isEqualTo("receipt");
        assertThat(frame.get("id").asLong()).isEqualTo(id);
        assertThat(frame.get("by").asText()).isEqualTo("bob");
    }
}
