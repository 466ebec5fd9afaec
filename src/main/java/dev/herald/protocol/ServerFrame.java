package dev.herald.protocol;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Frames the server writes to a client connection, besides {@code message} frames (see {@link EncodedMessage}).
 * Each is a record whose first component is the wire {@code type}.
 */
public final class ServerFrame {

    private ServerFrame() {
    }

    /**
     * First frame of every connection. The kept messages after {@code since} (or the undelivered mailbox) follow
     * it; {@code dropped} counts those that the full mailbox pushed out. {@code epoch} names the lifetime of the
     * user's stream storage; {@code gap} says the {@code since} asked for could not be honoured (another epoch, or
     * older than what is kept), so the client knows it may have missed messages. {@code online} lists at most
     * {@code herald.delivery.presence-limit} users; {@code onlineCount} is exact.
     */
    public record Welcome(String type, String user, String connectionId, List<String> online, int onlineCount,
            long lastMessageId, long dropped, String epoch, boolean gap) {
        public Welcome(String user, String connectionId, List<String> online, int onlineCount, long lastMessageId,
                long dropped, String epoch, boolean gap) {
            this("welcome", user, connectionId, online, onlineCount, lastMessageId, dropped, epoch, gap);
        }
    }

    /** Confirms a frame that carried {@code ref}: {@code id} of a sent message, or what a resume replayed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ack(String type, JsonNode ref, Long id, String room, Integer replayed, Boolean gap) {
        public static Ack sent(JsonNode ref, long id) {
            return new Ack("ack", ref, id, null, null, null);
        }

        public static Ack room(JsonNode ref, String room) {
            return new Ack("ack", ref, null, room, null, null);
        }

        public static Ack resumed(JsonNode ref, int replayed, boolean gap) {
            return new Ack("ack", ref, null, null, replayed, gap ? Boolean.TRUE : null);
        }

        public static Ack done(JsonNode ref) {
            return new Ack("ack", ref, null, null, null, null);
        }
    }

    /** A refused frame: {@code code} is stable for clients; {@code ref} echoes the frame's own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String type, String code, String message, JsonNode ref) {
        public Error(String code, String message, JsonNode ref) {
            this("error", code, message, ref);
        }
    }

    /** A user's first connection opened ({@code online}) or last one closed. */
    public record Presence(String type, String user, boolean online) {
        public Presence(String user, boolean online) {
            this("presence", user, online);
        }
    }

    /** Progress of a back-end task the user owns: the task's state and the event that changed it. */
    public record Task<T, E>(String type, T task, E event) {
        public Task(T task, E event) {
            this("task", task, event);
        }
    }

    /**
     * A scheduled message the user sent or receives changed state: {@code message} is the stored message as
     * {@code GET /api/messages/{id}} shows it, with its {@code status}.
     */
    public record Scheduled<M>(String type, M message) {
        public Scheduled(M message) {
            this("scheduled", message);
        }
    }
}
