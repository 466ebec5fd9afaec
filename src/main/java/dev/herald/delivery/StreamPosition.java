package dev.herald.delivery;

/**
 * Where a user's stream stands: its newest id, and the lifetime of its storage ({@code epoch}). Ids from another
 * epoch mean nothing in this one.
 */
public record StreamPosition(long lastId, String epoch) {
}
