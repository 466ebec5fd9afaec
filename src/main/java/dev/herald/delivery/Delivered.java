package dev.herald.delivery;

import dev.herald.protocol.EncodedMessage;

/**
 * The outcome of one delivery: how many user streams received the message, and its id in the sender's own
 * stream (0 when the sender is not a connected user, for example the HTTP API).
 *
 * @param withheld the sender's copy when the connection that sent it asked not to be written it ({@code echo=false}):
 *        its ack carries it instead; null otherwise
 */
public record Delivered(int users, long senderId, EncodedMessage withheld) {

    public Delivered(int users, long senderId) {
        this(users, senderId, null);
    }

    /** The frame the sending connection was not written (its ack carries it), or null. */
    public String withheldFrame() {
        return withheld == null || senderId == 0 ? null : withheld.withId(senderId);
    }
}
