package dev.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A message frame, written field by field, is exactly what Herald's own ObjectMapper makes of the {@link Message}
 * record (the frame clients have always received), whatever the text holds and whichever fields are set.
 */
@QuarkusTest
class MessageFrameTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    FrameEncoder encoder;

    @Test
    void theEncoderWritesEveryFieldTheRecordHas() {
        // FrameEncoder.message names the fields one by one: a new one must be written there too
        assertThat(Arrays.stream(Message.class.getRecordComponents()).map(RecordComponent::getName))
                .containsExactly("from", "to", "room", "text", "kind", "sentAt", "conversation", "entry");
    }

    @Test
    void everyKindOfMessageIsTheRecordAsJacksonWritesIt() throws Exception {
        Instant at = Instant.parse("2030-01-02T03:04:05.123456789Z");
        List<Message> messages = List.of(
                Message.direct("ann", "bob", "hi", Kind.DIRECT, at),
                Message.room("ann", "lobby", "quote \" backslash \\ tab \t newline \n nul \u0000 ✓ 😀", Kind.ROOM,
                        Instant.parse("2030-01-02T03:04:05Z")),
                Message.broadcast("ann", "", Kind.BROADCAST, at),
                Message.direct(null, "bob", "from the API", Kind.SCHEDULED, at),
                Message.desk("visitor-1", "agent", "c-42", 7, "help", at),
                new Message(null, null, null, "only text", null, null));
        for (Message m : messages) {
            String expected = "{\"type\":\"message\",\"id\":5," + mapper.writeValueAsString(m).substring(1);
            assertThat(encoder.message(m).withId(5)).isEqualTo(expected);
        }
    }
}
