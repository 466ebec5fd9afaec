package dev.herald.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Every client frame shape, good and bad, parsed without a server. */
class FrameParserTest {

    private final FrameParser parser = new FrameParser(new ObjectMapper());

    @Test
    void parsesEveryFrameTypeAndTheSeedShape() {
        assertThat(parser.parse("{\"type\":\"send\",\"to\":\"bob\",\"text\":\"hi\",\"ref\":7}"))
                .isEqualTo(new ClientFrame.Send("bob", null, "hi", new ObjectMapper().valueToTree(7)));
        assertThat(parser.parse("{\"type\":\"send\",\"room\":\"r\",\"text\":\"hi\"}"))
                .isEqualTo(new ClientFrame.Send(null, "r", "hi", null));
        assertThat(parser.parse("{\"to_user\":\"bob\",\"message\":\"hi\"}"))
                .isEqualTo(new ClientFrame.Send("bob", null, "hi", null));
        assertThat(parser.parse("{\"type\":\"broadcast\",\"text\":\"all\"}")).isEqualTo(new ClientFrame.Broadcast("all", null));
        assertThat(parser.parse("{\"type\":\"join\",\"room\":\"r\"}")).isEqualTo(new ClientFrame.Join("r", null));
        assertThat(parser.parse("{\"type\":\"leave\",\"room\":\"r\"}")).isEqualTo(new ClientFrame.Leave("r", null));
        assertThat(parser.parse("{\"type\":\"resume\",\"since\":12}")).isEqualTo(new ClientFrame.Resume(12, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "not json                                   | malformed_json",
            "[1,2]                                      | not_an_object",
            "42                                         | not_an_object",
            "{}                                         | missing_field",
            "{\"type\":5}                               | invalid_field",
            "{\"type\":\"dance\"}                       | unknown_type",
            "{\"type\":\"send\",\"text\":\"x\"}         | missing_field",
            "{\"type\":\"send\",\"to\":\"a\",\"room\":\"r\",\"text\":\"x\"} | invalid_field",
            "{\"type\":\"send\",\"to\":\"a\",\"text\":5} | invalid_field",
            "{\"type\":\"join\"}                        | missing_field",
            "{\"type\":\"resume\"}                      | missing_field",
            "{\"type\":\"resume\",\"since\":-1}         | invalid_field",
            "{\"type\":\"resume\",\"since\":1.5}        | invalid_field",
    })
    void refusesEachBadShapeWithItsCode(String frame, String code) {
        assertThatThrownBy(() -> parser.parse(frame)).isInstanceOfSatisfying(ProtocolError.class,
                e -> assertThat(e.code()).isEqualTo(code));
    }
}
