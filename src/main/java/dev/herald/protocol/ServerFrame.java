package dev.herald.protocol;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
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
     * {@code herald.delivery.presence-limit} users; {@code onlineCount} is exact. {@code readUpTo} is the user's read
     * cursor and {@code unread} how many kept messages from others lie after it.
     */
    public record Welcome(String type, String user, String connectionId, List<String> online, int onlineCount,
            long lastMessageId, long dropped, String epoch, boolean gap, long readUpTo, int unread) {
        public Welcome(String user, String connectionId, List<String> online, int onlineCount, long lastMessageId,
                long dropped, String epoch, boolean gap, long readUpTo, int unread) {
            this("welcome", user, connectionId, online, onlineCount, lastMessageId, dropped, epoch, gap, readUpTo,
                    unread);
        }
    }

    /**
     * Confirms a frame that carried {@code ref}: {@code id} of a sent message (and the {@code message} frame itself
     * for a connection with {@code echo=false}, which is not written it otherwise), or what a resume replayed.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ack(String type, JsonNode ref, Long id, String room, Integer replayed, Boolean gap,
            List<String> members, Integer memberCount, Map<String, Boolean> online, @JsonRawValue String message) {
        public Ack(String type, JsonNode ref, Long id, String room, Integer replayed, Boolean gap,
                List<String> members, Integer memberCount, Map<String, Boolean> online) {
            this(type, ref, id, room, replayed, gap, members, memberCount, online, null);
        }

        public static Ack sent(JsonNode ref, long id) {
            return sent(ref, id, null);
        }

        /** @param message the sent message's frame (JSON) when the sending connection was not written it, or null */
        public static Ack sent(JsonNode ref, long id, String message) {
            return new Ack("ack", ref, id, null, null, null, null, null, null, message);
        }

        public static Ack room(JsonNode ref, String room) {
            return new Ack("ack", ref, null, room, null, null, null, null, null);
        }

        /** A join: the room's members (up to a bound) and how many there are. */
        public static Ack joined(JsonNode ref, String room, List<String> members, int count) {
            return new Ack("ack", ref, null, room, null, null, members, count, null);
        }

        /** A watch: whether each watched user is online now. */
        public static Ack watching(JsonNode ref, Map<String, Boolean> online) {
            return new Ack("ack", ref, null, null, null, null, null, null, online);
        }

        public static Ack resumed(JsonNode ref, int replayed, boolean gap) {
            return new Ack("ack", ref, null, null, replayed, gap ? Boolean.TRUE : null, null, null, null);
        }

        public static Ack done(JsonNode ref) {
            return new Ack("ack", ref, null, null, null, null, null, null, null);
        }
    }

    /** A refused frame: {@code code} is stable for clients; {@code ref} echoes the frame's own. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String type, String code, String message, JsonNode ref) {
        public Error(String code, String message, JsonNode ref) {
            this("error", code, message, ref);
        }
    }

    /**
     * In a sender's stream (after its {@code type} and {@code id}): {@code by} has read the direct message whose copy
     * in the sender's stream has id {@code messageId}.
     */
    public record Receipt(String by, String status, long messageId) {
        public Receipt(String by, long messageId) {
            this(by, "read", messageId);
        }
    }

    /** Another connection of this user moved the read cursor: everything up to {@code upTo} has been seen. */
    public record Read(String type, long upTo) {
        public Read(long upTo) {
            this("read", upTo);
        }
    }

    /**
     * A user's first connection opened ({@code online}) or last one closed — or, with {@code room}, their first
     * connection joined the room or their last one left it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Presence(String type, String user, boolean online, String room) {
        public Presence(String user, boolean online, String room) {
            this("presence", user, online, room);
        }
    }

    /** Several presence changes of one interval at once (a connect storm): who came ({@code joins}) and went. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PresenceDiff(String type, String room, List<String> joins, List<String> leaves) {
        public PresenceDiff(String room, List<String> joins, List<String> leaves) {
            this("presence", room, joins, leaves);
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
