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
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + frame.getClass().getSimpleName(), e);
        }
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
