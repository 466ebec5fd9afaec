package dev.herald.delivery;

import java.util.List;

/** Who is in a room, site-wide: up to {@code herald.delivery.room-members-listed} names, and the exact count. */
public record RoomMembers(List<String> members, int count) {
}
