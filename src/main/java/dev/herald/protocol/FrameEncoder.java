package dev.herald.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns outgoing frames into JSON text, once per frame rather than once per recipient. */
@Singleton // called per frame: no client proxy in front of it
public class FrameEncoder {

    private final ObjectMapper mapper;
    /** The mapper's, writing a character outside the BMP as its 4 UTF-8 bytes (as the mapper's String output does). */
    private final JsonFactory utf8;

    public FrameEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
        this.utf8 = mapper.getFactory().rebuild().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    }

    public String json(Object frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.getClass().getSimpleName(), e);
        }
    }

    /**
     * The message frame minus its id: recipients differ only by the id of their own stream. Written field by field
     * with Jackson's streaming generator, straight to UTF-8 (the same JSON as serialising the {@link Message} record,
     * without reflection per message).
     */
    public EncodedMessage message(Message message) {
        int text = message.text() == null ? 0 : message.text().length();
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + 3 * text);
        try (JsonGenerator g = utf8.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            string(g, "from", message.from());
            string(g, "to", message.to());
            string(g, "room", message.room());
            string(g, "text", message.text());
            string(g, "kind", message.kind() == null ? null : message.kind().wire());
            string(g, "sentAt", message.sentAt() == null ? null : message.sentAt().toString()); // ISO-8601, as Jackson
            string(g, "conversation", message.conversation());
            if (message.entry() != null) {
                g.writeNumberField("entry", message.entry());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a message", e);
        }
        byte[] body = out.toByteArray();
        byte[] tail;
        if (body.length > 2) {
            tail = body; // {"from":...} becomes ,"from":...}
            tail[0] = ',';
        } else {
            tail = new byte[] { '}' };
        }
        return new EncodedMessage(EncodedMessage.MESSAGE, tail, message.room(), message.from(), 0, System.nanoTime(),
                null);
    }

    private static void string(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) { // the record's @JsonInclude(NON_NULL)
            g.writeStringField(field, value);
        }
    }

    /** A receipt for the sender's copy {@code messageId} of a direct message that {@code reader} has read. */
    public EncodedMessage receipt(String sender, String reader, long messageId) {
        return new EncodedMessage(EncodedMessage.RECEIPT, tail(json(new ServerFrame.Receipt(reader, messageId))), null,
                reader, 0, System.nanoTime());
    }

    private static String tail(String body) {
        return body.length() > 2 ? "," + body.substring(1) : "}";
    }
}
