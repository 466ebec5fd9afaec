package dev.herald.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** A frame a client sends on {@code /ws/{user}}; {@code ref}, when present, is echoed in the ack or error. */
public sealed interface ClientFrame {

    JsonNode ref();

    /** A {@code since} of {@code "read"}: after the user's read cursor. */
    long SINCE_READ = -1;

    /** A direct message ({@code to}) or a message to a joined room ({@code room}); the seed's shape too. */
    record Send(String to, String room, String text, JsonNode ref) implements ClientFrame {
    }

    record Broadcast(String text, JsonNode ref) implements ClientFrame {
    }

    record Join(String room, JsonNode ref) implements ClientFrame {
    }

    record Leave(String room, JsonNode ref) implements ClientFrame {
    }

    record Resume(long since, JsonNode ref) implements ClientFrame {
    }

    /** This connection hears when these users come online or go offline (a contact list). */
    record Watch(java.util.List<String> users, JsonNode ref) implements ClientFrame {
    }

    record Unwatch(java.util.List<String> users, JsonNode ref) implements ClientFrame {
    }

    /** The user has seen everything up to id {@code upTo} of their stream: the read cursor moves there. */
    record Read(long upTo, JsonNode ref) implements ClientFrame {
    }

    /** A fresh token for the same user, sent before the current one expires (Centrifugo's refresh). */
    record Auth(String token, JsonNode ref) implements ClientFrame {
    }
}
