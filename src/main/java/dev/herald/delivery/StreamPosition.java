package dev.herald.delivery;

/**
 * Where a user's stream stands: its newest id, the lifetime of its storage ({@code epoch}; ids from another epoch
 * mean nothing in this one), the user's read cursor ({@code readUpTo}: every tab and device has seen up to there),
 * how many kept messages from others lie after it ({@code unread}), and how many messages the full mailbox pushed out.
 */
public record StreamPosition(long lastId, String epoch, long readUpTo, int unread, long dropped) {
}
