package dev.herald.protocol;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One message as it travels, before it is given a per-user id. Exactly one of {@code to} and {@code room}
 * is set for direct and room messages; neither for a broadcast. A support-desk message ({@link Kind#DESK}) is direct
 * and names its {@code conversation} and its {@code entry} there (the same number as in the conversation's history).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Message(String from, String to, String room, String text, Kind kind, Instant sentAt,
        String conversation, Long entry) {

    public Message(String from, String to, String room, String text, Kind kind, Instant sentAt) {
        this(from, to, room, text, kind, sentAt, null, null);
    }

    public static Message direct(String from, String to, String text, Kind kind, Instant sentAt) {
        return new Message(from, to, null, text, kind, sentAt);
    }

    public static Message room(String from, String room, String text, Kind kind, Instant sentAt) {
        return new Message(from, null, room, text, kind, sentAt);
    }

    public static Message broadcast(String from, String text, Kind kind, Instant sentAt) {
        return new Message(from, null, null, text, kind, sentAt);
    }

    /** A line of a support-desk conversation, for one of its two parties. */
    public static Message desk(String from, String to, String conversation, long entry, String text, Instant sentAt) {
        return new Message(from, to, null, text, Kind.DESK, sentAt, conversation, entry);
    }
}
