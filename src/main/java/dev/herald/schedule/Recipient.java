package dev.herald.schedule;

/** Who a stored message is for: exactly one of a user, a room, or everyone online. */
public record Recipient(String to, String room, boolean broadcast) {
}
