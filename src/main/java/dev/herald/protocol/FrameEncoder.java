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
        String body = json(message);
        return new EncodedMessage(body.length() > 2 ? "," + body.substring(1) : "}", message.room(), System.nanoTime());
    }
}
