package dev.herald.delivery;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One open connection of a user: where to write, and which rooms it has joined. */
public final class Subscriber {

    private final String user;
    private final Outbound outbound;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
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

    public Set<String> rooms() {
        return rooms;
    }

    boolean receives(StreamEntry entry) {
        return entry.room() == null || rooms.contains(entry.room());
    }
}
