package dev.herald.protocol;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message as it travels, before it is given a per-user id. Exactly one of {@code to} and {@code room}
 * is set for direct and room messages; neither for a broadcast.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(String from, String to, String room, String text, Kind kind, Instant sentAt) {

    public static Message direct(String from, String to, String text, Kind kind, Instant sentAt) {
        return new Message(from, to, null, text, kind, sentAt);
    }

    public static Message room(String from, String room, String text, Kind kind, Instant sentAt) {
        return new Message(from, null, room, text, kind, sentAt);
    }

    public static Message broadcast(String from, String text, Kind kind, Instant sentAt) {
        return new Message(from, null, null, text, kind, sentAt);
    }
}
