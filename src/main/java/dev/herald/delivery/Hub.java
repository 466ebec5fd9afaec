package dev.herald.delivery;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.EncodedMessage;
import io.micrometer.core.instrument.Gauge;

/**
 * The connections open on this process, by user and by room. It knows nothing of other nodes or of storage: a
 * broker tells it what to write, in stream order.
 */
@Singleton // called per message: no client proxy in front of it
public class Hub {

    private static final Connection[] NONE = new Connection[0];

    /** Each user's connections, copied on change: connects are rare, deliveries read it for every message. */
    private final Map<String, Connection[]> byUser = new ConcurrentHashMap<>();
    /** Users with at least one connection in the room; the connections themselves know their rooms. */
    private final Map<String, Map<String, Integer>> roomMembers = new ConcurrentHashMap<>();
    /** Connections watching each user's presence (watch frames). */
    private final Map<String, Set<Connection>> watchers = new ConcurrentHashMap<>();

    Hub(HeraldMetrics metrics) {
        Gauge.builder("herald.connections.open", this, Hub::connectionCount)
                .description("Open client connections (WebSocket and SSE) on this process").register(metrics.registry());
    }

    public void add(Connection c) {
        byUser.compute(c.user(), (u, cs) -> {
            Connection[] more = cs == null ? new Connection[1] : Arrays.copyOf(cs, cs.length + 1);
            more[more.length - 1] = c;
            return more;
        });
    }

    /** @return whether it was this process's last connection of the user */
    public boolean remove(Connection c) {
        unwatch(c, c.watched());
        Connection[] left = byUser.computeIfPresent(c.user(), (u, cs) -> {
            Connection[] rest = Arrays.stream(cs).filter(x -> x != c).toArray(Connection[]::new);
            return rest.length == 0 ? null : rest;
        });
        return left == null;
    }

    /**
     * Writes a stream entry to the user's connections that should see it.
     *
     * @return whether the user has a connection here (the entry counts as delivered)
     */
    public boolean deliver(String user, long id, EncodedMessage message) {
        Connection[] cs = byUser.get(user);
        if (cs == null) {
            return false;
        }
        for (Connection c : cs) {
            if (c.receives(message)) {
                c.send(id, message);
            }
        }
        return true;
    }

    /** Writes a frame that is not part of any stream (task progress, presence) to the user's connections. */
    public int push(String user, String frame) {
        Connection[] cs = byUser.getOrDefault(user, NONE);
        for (Connection c : cs) {
            c.send(frame);
        }
        return cs.length;
    }

    /** Writes a frame to the other connections of this connection's user. */
    public void pushExcept(Connection origin, String frame) {
        for (Connection c : byUser.getOrDefault(origin.user(), NONE)) {
            if (c != origin) {
                c.send(frame);
            }
        }
    }

    /** Writes a frame to the connections of {@code user} but the one with id {@code exceptId}. */
    public void pushExcept(String user, String exceptId, String frame) {
        for (Connection c : byUser.getOrDefault(user, NONE)) {
            if (!c.id().equals(exceptId)) {
                c.send(frame);
            }
        }
    }

    /**
     * The connection joins the room here. @return the user's connections in the room here now (1: the user's first
     * here), or 0 when this connection was in the room already
     */
    public int join(Connection c, String room) {
        if (!c.joined(room)) {
            return 0;
        }
        return roomMembers.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).merge(c.user(), 1, Integer::sum);
    }

    /**
     * The connection leaves the room here. @return the user's connections left in the room here (0: it was the
     * user's last), or -1 when this connection was not in the room
     */
    public int leave(Connection c, String room) {
        if (!c.left(room)) {
            return -1;
        }
        int[] left = {0};
        roomMembers.computeIfPresent(room, (r, users) -> {
            users.computeIfPresent(c.user(), (u, n) -> {
                left[0] = n - 1;
                return n > 1 ? n - 1 : null;
            });
            return users.isEmpty() ? null : users;
        });
        return left[0];
    }

    /** Runs {@code action} for every connection here that is in the room. */
    public void forEachIn(String room, Consumer<Connection> action) {
        Map<String, Integer> users = roomMembers.get(room);
        if (users == null) {
            return;
        }
        for (String user : users.keySet()) {
            for (Connection c : byUser.getOrDefault(user, NONE)) {
                if (c.inRoom(room)) {
                    action.accept(c);
                }
            }
        }
    }

    /** Up to {@code max} users with a connection in the room here. */
    public List<String> membersHere(String room, int max) {
        Map<String, Integer> users = roomMembers.get(room);
        return users == null ? List.of() : users.keySet().stream().limit(max).toList();
    }

    public int memberCountHere(String room) {
        Map<String, Integer> users = roomMembers.get(room);
        return users == null ? 0 : users.size();
    }

    /** The connection watches these users' presence (the caller bounds how many). */
    public void watch(Connection c, Collection<String> users) {
        for (String user : users) {
            if (c.watch(user)) {
                watchers.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(c);
            }
        }
    }

    public void unwatch(Connection c, Collection<String> users) {
        for (String user : users) {
            if (c.unwatch(user)) {
                watchers.computeIfPresent(user, (u, set) -> set.remove(c) && set.isEmpty() ? null : set);
            }
        }
    }

    /** Connections here watching the user. */
    public Set<Connection> watchersOf(String user) {
        return watchers.getOrDefault(user, Set.of());
    }

    /** Users with a connection in the room here. */
    Set<String> usersIn(String room) {
        Map<String, Integer> users = roomMembers.get(room);
        return users == null ? Set.of() : users.keySet();
    }

    boolean roomExists(String room) {
        return roomMembers.containsKey(room);
    }

    /** Users with a connection here. */
    Collection<String> users() {
        return byUser.keySet();
    }

    /** Every connection open on this process. */
    public void forEach(java.util.function.Consumer<Connection> action) {
        for (Connection[] cs : byUser.values()) {
            for (Connection c : cs) {
                action.accept(c);
            }
        }
    }

    Connection[] connectionsOf(String user) {
        return byUser.getOrDefault(user, NONE);
    }

    public int connectionCount() {
        int total = 0;
        for (Connection[] cs : byUser.values()) {
            total += cs.length;
        }
        return total;
    }
}
