package dev.herald.delivery;

/**
 * The outcome of one delivery: how many user streams received the message, and its id in the sender's own
 * stream (0 when the sender is not a connected user, for example the HTTP API).
 */
public record Delivered(int users, long senderId) {
}
