package dev.herald.delivery;

import dev.herald.protocol.EncodedMessage;

/** One kept message of a user's stream, with its id in that stream. */
public record StreamEntry(long id, EncodedMessage message) {

    public String frame() {
        return message.withId(id);
    }
}
