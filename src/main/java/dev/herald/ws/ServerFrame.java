package dev.herald.ws;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/** Frames the server writes on {@code /ws/{user}}, besides {@code message}, {@code presence} and {@code task}. */
public final class ServerFrame {

    private ServerFrame() {
    }

    /**
     * First frame of every connection. {@code pending} messages that waited while the user was offline (or were
     * asked for with {@code ?since=}) follow it; {@code dropped} counts those that the full mailbox pushed out.
     * {@code online} lists at most {@code herald.delivery.presence-limit} users; {@code onlineCount} is exact.
     */
    public record Welcome(String type, String user, String connectionId, List<String> online, int onlineCount,
            long lastMessageId, long dropped) {
        public Welcome(String user, String connectionId, List<String> online, int onlineCount, long lastMessageId,
                long dropped) {
            this("welcome", user, connectionId, online, onlineCount, lastMessageId, dropped);
        }
    }

    /** Confirms a frame that carried {@code ref}: {@code id} of a sent message, or what a resume replayed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Ack(String type, JsonNode ref, Long id, String room, Integer replayed) {
        public static Ack sent(JsonNode ref, long id) {
            return new Ack("ack", ref, id, null, null);
        }

        public static Ack room(JsonNode ref, String room) {
            return new Ack("ack", ref, null, room, null);
        }

        public static Ack resumed(JsonNode ref, int replayed) {
            return new Ack("ack", ref, null, null, replayed);
        }

        public static Ack done(JsonNode ref) {
            return new Ack("ack", ref, null, null, null);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String type, String code, String message, JsonNode ref) {
        public Error(String code, String message, JsonNode ref) {
            this("error", code, message, ref);
        }
    }
}
