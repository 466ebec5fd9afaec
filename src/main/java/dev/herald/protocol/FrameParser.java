package dev.herald.protocol;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;


/**
 * Reads a client's text frame into a {@link ClientFrame}, or says precisely what is wrong with it. A frame is exactly
 * one JSON value: anything after it is malformed, not ignored.
 */
@Singleton // called per frame: no client proxy in front of it
public class FrameParser {

    /** Longest string {@code ref}: it is echoed in every ack and error, so it must stay small. */
    static final int MAX_REF_LENGTH = 64;
    /** How much of an unknown {@code type} an error quotes back. */
    private static final int MAX_ECHOED_TYPE = 32;

    private final ObjectReader reader;

    public FrameParser(ObjectMapper mapper) {
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    public ClientFrame parse(String text) {
        JsonNode node;
        try {
            node = reader.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ProtocolError("malformed_json", "frame is not valid JSON: " + e.getOriginalMessage(), null);
        }
        if (node == null || node.isMissingNode()) {
            throw new ProtocolError("malformed_json", "frame is empty: expected a JSON object with a \"type\"", null);
        }
        if (!node.isObject()) {
            throw new ProtocolError("not_an_object", "frame must be a JSON object with a \"type\"", null);
        }
        JsonNode ref = ref(node.get("ref"));
        JsonNode type = node.get("type");
        if (type == null && node.has("to_user")) {
            // The seed article's shape: {"to_user": .., "message": ..}
            return new ClientFrame.Send(string(node, "to_user", ref), null, string(node, "message", ref), ref);
        }
        if (type == null || type.isNull()) {
            throw new ProtocolError("missing_field", "'type' is required", ref);
        }
        if (!type.isTextual()) {
            throw new ProtocolError("invalid_field", "'type' must be a string", ref);
        }
        return switch (type.asText()) {
            case "send" -> send(node, ref);
            case "broadcast" -> new ClientFrame.Broadcast(string(node, "text", ref), ref);
            case "join" -> new ClientFrame.Join(string(node, "room", ref), ref);
            case "leave" -> new ClientFrame.Leave(string(node, "room", ref), ref);
            case "resume" -> new ClientFrame.Resume(since(node, ref), ref);
            case "auth" -> new ClientFrame.Auth(string(node, "token", ref), ref);
            case "read" -> new ClientFrame.Read(id(node, "upTo", ref), ref);
            case "watch" -> new ClientFrame.Watch(names(node, "users", ref), ref);
            case "unwatch" -> new ClientFrame.Unwatch(names(node, "users", ref), ref);
            default -> throw new ProtocolError("unknown_type", "unknown type '" + quoted(type.asText())
                    + "'; expected send, broadcast, join, leave, resume, read, watch, unwatch or auth", ref);
        };
    }

    /**
     * The {@code ref} to echo, or null. It must be a string of at most {@link #MAX_REF_LENGTH} characters or a finite
     * number that fits in 64 bits; anything else is refused without being echoed, so replies stay small.
     */
    private static JsonNode ref(JsonNode ref) {
        boolean usable = ref == null || ref.isNull()
                || ref.isTextual() && ref.textValue().length() <= MAX_REF_LENGTH
                        && !hasLoneSurrogate(ref.textValue())
                || ref.isIntegralNumber() && ref.canConvertToLong()
                || ref.isDouble() && Double.isFinite(ref.doubleValue());
        if (!usable) {
            throw new ProtocolError("invalid_field", "'ref' must be a string of at most " + MAX_REF_LENGTH
                    + " characters or a number (a finite one, within 64 bits)", null);
        }
        return ref;
    }

    private static String quoted(String type) {
        if (type.length() <= MAX_ECHOED_TYPE) {
            return type;
        }
        int end = Character.isHighSurrogate(type.charAt(MAX_ECHOED_TYPE - 1)) ? MAX_ECHOED_TYPE - 1 : MAX_ECHOED_TYPE;
        return type.substring(0, end) + "…";
    }

    private static ClientFrame.Send send(JsonNode node, JsonNode ref) {
        boolean hasTo = node.hasNonNull("to");
        boolean hasRoom = node.hasNonNull("room");
        if (hasTo == hasRoom) {
            throw new ProtocolError(hasTo ? "invalid_field" : "missing_field",
                    "'send' needs exactly one of 'to' and 'room'", ref);
        }
        return new ClientFrame.Send(hasTo ? string(node, "to", ref) : null, hasRoom ? string(node, "room", ref) : null,
                string(node, "text", ref), ref);
    }

    private static String string(JsonNode node, String field, JsonNode ref) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ProtocolError("missing_field", "'" + field + "' is required", ref);
        }
        if (!value.isTextual()) {
            throw new ProtocolError("invalid_field", "'" + field + "' must be a string", ref);
        }
        return value.asText();
    }

    /** A non-empty array of strings (user names are checked by the rules, not here). */
    private static java.util.List<String> names(JsonNode node, String field, JsonNode ref) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ProtocolError("missing_field", "'" + field + "' is required", ref);
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new ProtocolError("invalid_field", "'" + field + "' must be a non-empty array of user names", ref);
        }
        java.util.List<String> names = new java.util.ArrayList<>(value.size());
        for (JsonNode name : value) {
            if (!name.isTextual()) {
                throw new ProtocolError("invalid_field", "'" + field + "' must be a non-empty array of user names", ref);
            }
            names.add(name.textValue());
        }
        return names;
    }

    /** A message id, or {@code "read"}: after the user's read cursor. */
    private static long since(JsonNode node, JsonNode ref) {
        JsonNode value = node.get("since");
        if (value != null && value.isTextual() && "read".equals(value.textValue())) {
            return ClientFrame.SINCE_READ;
        }
        return id(node, "since", ref);
    }

    private static long id(JsonNode node, String field, JsonNode ref) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new ProtocolError("missing_field", "'" + field + "' is required", ref);
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
            throw new ProtocolError("invalid_field", "'" + field + "' must be a message id (a non-negative integer)"
                    + ("since".equals(field) ? " or \"read\"" : ""), ref);
        }
        return value.asLong();
    }

    /** Whether {@code s} holds a surrogate that is not part of a high-low pair: no Unicode text can. */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
