package dev.herald.protocol;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns outgoing frames into JSON text, once per frame rather than once per recipient. */
@Singleton // called per frame: no client proxy in front of it
public class FrameEncoder {

    private final ObjectMapper mapper;

    public FrameEncoder(ObjectMapper mapper) {
        this.mapper = mapper;
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
     * The ack of a sent message, the one reply every message with a ref gets: written by hand, as Jackson's
     * reflective record serialisation costs a native executable several times what it costs the JVM.
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

    /** The message frame minus its id: recipients differ only by the id of their own stream. */
    public EncodedMessage message(Message message) {
        return new EncodedMessage(EncodedMessage.MESSAGE, tail(json(message)), message.room(), message.from(), 0,
                System.nanoTime());
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
