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
        if (frame instanceof ServerFrame.Ack ack && isSentAck(ack)) {
            return sentAck(ack);
        }
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.getClass().getSimpleName(), e);
        }
    }

    private static boolean isSentAck(ServerFrame.Ack a) {
        return a.id() != null && a.room() == null && a.replayed() == null && a.gap() == null && a.members() == null
                && a.memberCount() == null && a.online() == null;
    }

    /**
     * The ack of a sent message, the one reply every message with a ref gets: written by hand rather than through
     * Jackson's reflective record serialisation, which a native executable pays more for than the JVM.
     */
    private static String sentAck(ServerFrame.Ack ack) {
        String ref = ack.ref() == null ? null : ack.ref().toString(); // a JsonNode prints as JSON
        StringBuilder b = new StringBuilder(48 + (ref == null ? 0 : ref.length())
                + (ack.message() == null ? 0 : ack.message().length()));
        b.append("{\"type\":\"ack\"");
        if (ref != null) {
            b.append(",\"ref\":").append(ref);
        }
        b.append(",\"id\":").append(ack.id().longValue());
        if (ack.message() != null) {
            b.append(",\"message\":").append(ack.message());
        }
        return b.append('}').toString();
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
