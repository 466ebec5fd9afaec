package dev.herald.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import io.vertx.core.Vertx;

/**
 * Tells this node's connections who came and went: the members of a room about the room's members, watchers about
 * the users they watch, and — while at most {@code herald.delivery.presence-limit} users are online — everyone about
 * everyone. Changes are gathered for {@code presence-interval} and sent as one frame per room (one for global
 * presence, one per watcher), encoded once and shared by every connection that gets it: a storm of 19 000 arrivals
 * into one room costs each member a frame per interval, not one per arrival. One change alone goes out as the classic
 * {@code {"type":"presence","user":..,"online":..}}; several as {@code {"type":"presence","joins":[..],"leaves":[..]}}.
 * The engine reports the changes (site-wide: on Redis every node hears every change).
 */
@Singleton
public class PresenceFanout {

    private final Hub hub;
    private final FrameEncoder encoder;
    private final int limit;
    /** What changed since the last flush: globally, per room, per watching connection. */
    private Changes changes = new Changes();
    /** Reporters share it; the flush takes it alone for the moment it swaps {@link #changes}, so nothing is lost. */
    private final ReentrantReadWriteLock swap = new ReentrantReadWriteLock();

    /** Features that follow users coming and going (the support desk's agents) observe this, asynchronously. */
    private final Event<UserPresence> changed;

    /** Outside CDI (the seams' unit tests): nobody observes the changes. */
    PresenceFanout(Hub hub, FrameEncoder encoder, DeliveryConfig config, Vertx vertx) {
        this(hub, encoder, config, vertx, null);
    }

    @Inject
    PresenceFanout(Hub hub, FrameEncoder encoder, DeliveryConfig config, Vertx vertx, Event<UserPresence> changed) {
        this.hub = hub;
        this.changed = changed;
        this.encoder = encoder;
        this.limit = config.presenceLimit();
        long every = Math.max(1, config.presenceInterval().toMillis());
        vertx.setPeriodic(every, t -> flush());
    }

    /** What one interval gathered; the last state of each user wins. */
    private static final class Changes {
        final Map<String, Boolean> global = new ConcurrentHashMap<>();
        final Map<String, Map<String, Boolean>> rooms = new ConcurrentHashMap<>();
        final Map<Connection, Map<String, Boolean>> watchers = new ConcurrentHashMap<>();

        boolean isEmpty() {
            return global.isEmpty() && rooms.isEmpty() && watchers.isEmpty();
        }
    }

    /** A user's first connection anywhere opened ({@code true}) or last one closed; {@code count} users are online. */
    public void userChanged(String user, boolean isOnline, int count) {
        if (changed != null) {
            changed.fireAsync(new UserPresence(user, isOnline));
        }
        swap.readLock().lock();
        try {
            if (limit > 0 && count <= limit) {
                changes.global.put(user, isOnline); // above the limit each change would cost a frame per online user
            }
            for (Connection watcher : hub.watchersOf(user)) {
                changes.watchers.computeIfAbsent(watcher, w -> new ConcurrentHashMap<>()).put(user, isOnline);
            }
        } finally {
            swap.readLock().unlock();
        }
    }

    /** A user's first connection in the room joined it ({@code true}), or their last one left. */
    public void roomChanged(String room, String user, boolean joined) {
        swap.readLock().lock();
        try {
            changes.rooms.computeIfAbsent(room, r -> new ConcurrentHashMap<>()).put(user, joined);
        } finally {
            swap.readLock().unlock();
        }
    }

    /** Sends what the last interval gathered. */
    void flush() {
        Changes done;
        swap.writeLock().lock();
        try {
            done = changes;
            if (done.isEmpty()) {
                return;
            }
            changes = new Changes();
        } finally {
            swap.writeLock().unlock();
        }
        if (!done.global.isEmpty()) {
            send(done.global, null, hub::forEach);
        }
        done.rooms.forEach((room, diff) -> send(diff, room, action -> hub.forEachIn(room, action)));
        done.watchers.forEach((watcher, diff) -> send(diff, null, action -> action.accept(watcher)));
    }

    private void send(Map<String, Boolean> diff, String room, Consumer<Consumer<Connection>> to) {
        if (diff.size() == 1) {
            Map.Entry<String, Boolean> only = diff.entrySet().iterator().next();
            String frame = encoder.json(new ServerFrame.Presence(only.getKey(), only.getValue(), room));
            to.accept(c -> {
                if (!c.user().equals(only.getKey())) {
                    c.send(frame);
                }
            });
            return;
        }
        List<String> joins = new ArrayList<>(), leaves = new ArrayList<>();
        diff.forEach((user, on) -> (on ? joins : leaves).add(user));
        String frame = encoder.json(new ServerFrame.PresenceDiff(room, joins, leaves));
        to.accept(c -> c.send(frame));
    }

}
