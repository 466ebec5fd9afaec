package dev.herald.delivery;

import java.util.Arrays;
import java.util.List;

/** One open connection of a user: where to write, and which rooms it has joined. */
public final class Subscriber {

    private final String user;
    private final Outbound outbound;
    /**
     * Rooms joined, copied on change: joins are rare, while every room message checks membership once per
     * connection, and a plain array is the cheapest thing to check when fanning out to thousands.
     */
    private volatile String[] rooms = new String[0];
    /** Every stream entry after this id has been written to this connection; guarded by its stream's lock. */
    long coveredAfter;
    /** The user's stream this connection is attached to. */
    volatile UserStream stream;

    public Subscriber(String user, Outbound outbound) {
        this.user = user;
        this.outbound = outbound;
    }

    public String user() {
        return user;
    }

    public String connectionId() {
        return outbound.id();
    }

    public Outbound outbound() {
        return outbound;
    }

    public List<String> rooms() {
        return List.of(rooms);
    }

    public int roomCount() {
        return rooms.length;
    }

    public boolean inRoom(String room) {
        for (String r : rooms) {
            if (r.equals(room)) {
                return true;
            }
        }
        return false;
    }

    /** Rare (join frames), and may race a disconnect from a deliverer's thread: a plain lock is enough. */
    synchronized void joined(String room) {
        if (!inRoom(room)) {
            String[] more = Arrays.copyOf(rooms, rooms.length + 1);
            more[rooms.length] = room;
            rooms = more;
        }
    }

    synchronized void left(String room) {
        rooms = Arrays.stream(rooms).filter(r -> !r.equals(room)).toArray(String[]::new);
    }

    boolean receives(EncodedMessage message) {
        return message.room() == null || inRoom(message.room());
    }
}
