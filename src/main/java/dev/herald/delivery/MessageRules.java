package dev.herald.delivery;

import dev.herald.protocol.ClientFrame;

import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import dev.herald.protocol.FrameParser;

/** The rules every message obeys, whether it comes from a socket, the HTTP API or the scheduler. */
@Singleton // called per frame: no client proxy in front of it
public class MessageRules {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private final DeliveryConfig config;

    MessageRules(DeliveryConfig config) {
        this.config = config;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * A resume point as a client names it in a URL ({@code ?since=}, an SSE {@code Last-Event-ID}): null when absent,
     * {@link ClientFrame#SINCE_READ} for {@code read} (after the user's read cursor), else a message id (a non-negative
     * integer).
     *
     * @throws IllegalArgumentException when it is anything else
     */
    public static Long since(String value) {
        if (value == null) {
            return null;
        }
        if ("read".equals(value)) {
            return ClientFrame.SINCE_READ;
        }
        try {
            long since = Long.parseLong(value);
            if (since >= 0) {
                return since;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("'since' must be a message id (a non-negative integer) or 'read', not '"
                + (value.length() > 32 ? value.substring(0, 32) + "…" : value) + "'");
    }

    /**
     * The {@code ?echo=} connect parameter: whether the messages a connection sends are written back to it (default
     * true; {@code false}: its acks carry them instead).
     *
     * @throws IllegalArgumentException when it is neither true nor false
     */
    public static boolean echo(String value) {
        if (value == null || "true".equals(value)) {
            return true;
        }
        if ("false".equals(value)) {
            return false;
        }
        throw new IllegalArgumentException("'echo' must be true or false, not '"
                + (value.length() > 32 ? value.substring(0, 32) + "…" : value) + "'");
    }

    public String user(String field, String value) {
        return name(field, value, "user");
    }

    public String room(String field, String value) {
        return name(field, value, "room");
    }

    private static String name(String field, String value, String what) {
        if (value == null) {
            throw new InvalidMessage("missing_field", field, "'" + field + "' is required");
        }
        if (!isValidName(value)) {
            throw new InvalidMessage("invalid_field", field,
                    "'" + field + "' must be a " + what + " name matching [A-Za-z0-9_.-]{1,64}");
        }
        return value;
    }

    public String text(String field, String value) {
        if (value == null) {
            throw new InvalidMessage("missing_field", field, "'" + field + "' is required");
        }
        if (value.isEmpty()) {
            throw new InvalidMessage("invalid_field", field, "'" + field + "' must not be empty");
        }
        if (value.length() > config.maxTextLength()) {
            throw new InvalidMessage("text_too_long", field,
                    "'" + field + "' is " + value.length() + " characters; the limit is " + config.maxTextLength());
        }
        if (FrameParser.hasLoneSurrogate(value)) {
            // Written out as UTF-8 it would turn into '?': refused rather than altered.
            throw new InvalidMessage("invalid_field", field,
                    "'" + field + "' contains an unpaired UTF-16 surrogate (a \\uD800-\\uDFFF escape without its pair)");
        }
        return value;
    }

    public int maxTextLength() {
        return config.maxTextLength();
    }
}
