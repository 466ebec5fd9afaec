package dev.herald.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.connection.Connection;
import dev.herald.delivery.Broker;
import dev.herald.delivery.Delivered;
import dev.herald.delivery.Hub;
import dev.herald.delivery.Replay;
import dev.herald.delivery.RoomMembers;
import dev.herald.delivery.DeliveryConfig;
import io.vertx.mutiny.redis.client.Response;
import dev.herald.delivery.StreamEntry;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.EncodedMessage;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import dev.herald.protocol.Message;
import io.micrometer.core.instrument.Counter;
import io.vertx.mutiny.redis.client.Command;

/**
 * Many nodes on Redis. Publishing numbers the message in each recipient's stream with one script per partition;
 * that script also announces every entry on its user's sharded channel, so the nodes hosting the user's
 * connections (and only those: each subscribes to the users it hosts) hear the user's entries in id order and hand
 * them to their {@link Hub}. A node that missed entries (its subscription dropped) reads them back from the stream
 * before going on; a connection that attaches gets the stream's kept entries, then what arrived meanwhile, with no
 * gap and no duplicate.
 */
@Singleton
@Typed(RedisBroker.class) // injected through dev.herald.engine.Engines as its interface
public class RedisBroker implements Broker {

    private static final Logger LOG = Logger.getLogger(RedisBroker.class);

    private final RedisStreamStore streams;
    private final RedisCalls redis;
    private final RedisSubscriber subscriber;
    private final RedisNode node;
    private final Keys keys;
    private final Hub hub;
    /** The users with a connection on this node, each with where its stream stands here. */
    private final Map<String, LocalStream> locals = new ConcurrentHashMap<>();

    private final Counter heardEntries;
    private final Counter heardFrames;

    private final FrameEncoder encoder;
    private final int membersListed;

    RedisBroker(RedisStreamStore streams, RedisCalls redis, RedisSubscriber subscriber, RedisNode node, Keys keys,
            Hub hub, HeraldMetrics metrics, FrameEncoder encoder, DeliveryConfig config) {
        this.encoder = encoder;
        this.membersListed = config.roomMembersListed();
        this.heardEntries = Counter.builder("herald.redis.received").tag("kind", "entry")
                .description("Announcements this node received from Redis: only for the users it hosts (and frames "
                        + "for every node)").register(metrics.registry());
        this.heardFrames = Counter.builder("herald.redis.received").tag("kind", "frame").register(metrics.registry());
        this.streams = streams;
        this.redis = redis;
        this.subscriber = subscriber;
        this.node = node;
        this.keys = keys;
        this.hub = hub;
        subscriber.onResubscribed(this::catchUpAll);
    }

    // --- publishing ----------------------------------------------------------------------------------------------

    @Override
    public CompletionStage<Delivered> publish(Message message, EncodedMessage encoded, String sender, String key) {
        CompletionStage<List<String>> recipients;
        if (message.to() != null) {
            recipients = CompletableFuture.completedFuture(sender == null || sender.equals(message.to())
                    ? List.of(message.to()) : List.of(message.to(), sender));
        } else {
            String of = message.room() != null ? keys.room(message.room()) : keys.online();
            recipients = redis.send(Command.HKEYS, of).subscribeAsCompletionStage().thenApply(r -> {
                List<String> users = new ArrayList<>(r.size());
                r.forEach(u -> users.add(u.toString()));
                return users;
            });
        }
        if (message.to() != null && sender != null && !sender.equals(message.to())
                && keys.oneScript(sender, message.to())) {
            // One round trip: the script appends the sender's copy, then the recipient's entry naming it.
            return streams.appendDirect(sender, message.to(), encoded, key)
                    .thenApply(ids -> new Delivered(1, ids.get(0)));
        }
        if (message.to() != null && sender != null && !sender.equals(message.to())) {
            // The sender's copy first: the recipient's entry names it, and a receipt will too.
            return append(List.of(sender), encoded, key).thenCompose(copy -> append(List.of(message.to()),
                    encoded.withSenderCopy(copy.get(sender)), key).thenApply(ids -> new Delivered(1, copy.get(sender))));
        }
        return recipients.thenCompose(users -> append(users, encoded, key)).thenApply(ids -> {
            long senderId = sender == null ? 0 : ids.getOrDefault(sender, 0L);
            int reached = message.to() != null ? 1 : ids.size();
            return new Delivered(reached, senderId);
        });
    }

    /** One script per partition of the recipients; completes with each recipient's id. */
    private CompletionStage<Map<String, Long>> append(List<String> users, EncodedMessage encoded, String key) {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (String user : users) {
            byPartition.computeIfAbsent(keys.partition(user), p -> new ArrayList<>()).add(user);
        }
        Map<String, Long> ids = new ConcurrentHashMap<>();
        CompletableFuture<?>[] scripts = byPartition.values().stream()
                .map(part -> streams.append(part, encoded, key).thenAccept(partIds -> {
                    for (int i = 0; i < part.size(); i++) {
                        ids.put(part.get(i), partIds.get(i));
                    }
                }).toCompletableFuture()).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(scripts).thenApply(done -> ids);
    }

    @Override
    public void pushToUser(String user, String frame) {
        redis.send(Command.SPUBLISH, keys.channel(user), "F|" + frame).subscribe().with(ok -> {
        }, e -> LOG.debugf("frame to %s not published: %s", user, e.getMessage()));
    }


    // --- this node's connections ---------------------------------------------------------------------------------

    @Override
    public CompletionStage<Replay> attach(Connection c, Long since, Function<Replay, String> greeting) {
        LocalStream local = locals.computeIfAbsent(c.user(), u -> new LocalStream(u));
        return local.subscribed().thenCompose(ok -> {
            if (!local.pending(c)) {
                return attach(c, since, greeting); // its user's last connection here left meanwhile: start afresh
            }
            return streams.read(c.user(), since, null, true).thenApply(replay -> served(local, c, since, greeting, replay));
        });
    }

    /** The connection's welcome and replay, then whatever arrived meanwhile, then live entries. */
    private Replay served(LocalStream local, Connection c, Long since, Function<Replay, String> greeting, Replay replay) {
        local.lock.lock();
        try {
            c.send(greeting.apply(replay));
            long top = replay.position().lastId();
            for (StreamEntry e : replay.entries()) {
                c.send(e.id(), e.message());
            }
            long from = since != null && !replay.gap() ? since : replay.entries().isEmpty()
                    ? replay.position().lastId() : replay.entries().get(0).id() - 1;
            c.coveredAfter(Math.min(from, top));
            local.live(c, top);
            return replay;
        } finally {
            local.lock.unlock();
        }
    }

    @Override
    public CompletionStage<Replay> resume(Connection c, long since) {
        long upTo = c.coveredAfter();
        if (since >= upTo) {
            return streams.position(c.user()).thenApply(p -> new Replay(p, List.of(), false));
        }
        return streams.read(c.user(), since, upTo, false).thenApply(r -> {
            for (StreamEntry e : r.entries()) {
                c.send(e.id(), e.message());
            }
            c.coveredAfter(r.entries().isEmpty() ? upTo : Math.min(upTo, r.entries().get(0).id() - 1));
            return r;
        });
    }

    @Override
    public void detach(Connection c) {
        for (String room : c.rooms()) {
            leave(c, room);
        }
        LocalStream local = locals.get(c.user());
        if (local != null) {
            local.lock.lock();
            try {
                local.abandon(c);
                hub.remove(c);
            } finally {
                local.lock.unlock();
            }
            release(local);
        }
    }

    /** The user's last connection here left: no more of its channel, and its delivered mark is saved. */
    private void release(LocalStream local) {
        local.lock.lock();
        try {
            if (!local.empty() || local.released) {
                return;
            }
            local.released = true;
            locals.remove(local.user, local);
            subscriber.unsubscribe(keys.channel(local.user));
        } finally {
            local.lock.unlock();
        }
        if (local.lastId > 0) {
            streams.delivered(local.user, local.lastId).exceptionally(e -> null);
        }
    }

    @Override
    public CompletionStage<List<StreamEntry>> read(Connection c, long upTo) {
        return streams.read(c.user(), upTo, c.id());
    }

    @Override
    public CompletionStage<RoomMembers> join(Connection c, String room) {
        if (hub.join(c, room) == 0) {
            return members(room); // in the room already
        }
        return node.room(c.user(), room, 1).exceptionallyCompose(e -> {
            hub.leave(c, room); // not a member anywhere but here: undo, the client is told
            return CompletableFuture.failedFuture(e);
        });
    }

    @Override
    public CompletionStage<Boolean> leave(Connection c, String room) {
        if (hub.leave(c, room) < 0) {
            return CompletableFuture.completedFuture(false);
        }
        return node.room(c.user(), room, -1).thenApply(members -> true);
    }

    @Override
    public CompletionStage<RoomMembers> members(String room) {
        return redis.send(Command.HLEN, keys.room(room)).subscribeAsCompletionStage()
                .thenCombine(redis.send(Command.HSCAN, keys.room(room), "0", "COUNT", Integer.toString(membersListed))
                        .subscribeAsCompletionStage(), (count, scan) -> {
                            List<String> names = new ArrayList<>();
                            Response pairs = scan.get(1);
                            for (int i = 0; i + 1 < pairs.size() && names.size() < membersListed; i += 2) {
                                names.add(pairs.get(i).toString());
                            }
                            return new RoomMembers(names, count.toInteger());
                        });
    }

    @Override
    public CompletionStage<Boolean> roomExists(String room) {
        return redis.send(Command.EXISTS, keys.room(room)).subscribeAsCompletionStage().thenApply(r -> r.toInteger() > 0);
    }

    // --- what Redis announces ------------------------------------------------------------------------------------

    /**
     * A push on a user's channel: {@code E|id|room|kind|origin|tail} (an entry of the stream; origin: the connection
     * not to write it to, or empty), {@code R|upTo|origin} (the read cursor moved) or {@code F|frame}.
     */
    private void heard(String user, String payload) {
        (payload.startsWith("F|") ? heardFrames : heardEntries).increment();
        LocalStream local = locals.get(user);
        if (local == null) {
            return;
        }
        if (payload.startsWith("F|")) {
            hub.push(user, payload.substring(2));
            return;
        }
        if (payload.startsWith("R|")) { // R|upTo|origin: another connection of the user moved the read cursor
            int bar = payload.indexOf('|', 2);
            hub.pushExcept(user, payload.substring(bar + 1),
                    encoder.json(new ServerFrame.Read(Long.parseLong(payload.substring(2, bar)))));
            return;
        }
        int a = payload.indexOf('|', 2), b = payload.indexOf('|', a + 1), c = payload.indexOf('|', b + 1),
                d = payload.indexOf('|', c + 1);
        long id = Long.parseLong(payload.substring(2, a));
        String room = payload.substring(a + 1, b);
        String type = "r".equals(payload.substring(b + 1, c)) ? EncodedMessage.RECEIPT : EncodedMessage.MESSAGE;
        local.entry(new StreamEntry(id, new EncodedMessage(type, payload.substring(d + 1), room.isEmpty() ? null : room,
                null, 0, System.nanoTime(), d == c + 1 ? null : payload.substring(c + 1, d))));
    }

    /** After the subscriptions were restored: every local user reads back what was announced meanwhile. */
    private void catchUpAll() {
        locals.values().forEach(LocalStream::catchUp);
    }

    /** This node's view of one user's stream: the connections here, and the id up to which they were served. */
    private final class LocalStream {

        final String user;
        final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        /** Connections between subscribing and their replay: what arrives meanwhile waits here for them. */
        final Map<Connection, List<StreamEntry>> pending = new HashMap<>();
        /** Entries that arrived while missing ones were being read back. */
        final List<StreamEntry> held = new ArrayList<>();
        long lastId;
        boolean catchingUp;
        /** Its user's last connection here left and its channel was dropped: a new connection needs a new one. */
        boolean released;
        int live;
        private final CompletableFuture<Void> subscribed;

        LocalStream(String user) {
            this.user = user;
            this.subscribed = subscriber.subscribe(keys.channel(user), (ch, payload) -> heard(user, payload))
                    .toCompletableFuture();
        }

        CompletionStage<Void> subscribed() {
            return subscribed;
        }

        /** False when this stream was released meanwhile (the caller starts again with a fresh one). */
        boolean pending(Connection c) {
            lock.lock();
            try {
                if (released) {
                    return false;
                }
                pending.put(c, new ArrayList<>());
                return true;
            } finally {
                lock.unlock();
            }
        }

        /** Called with the lock: the connection's replay went up to {@code top}; now it takes live entries. */
        void live(Connection c, long top) {
            List<StreamEntry> waited = pending.remove(c);
            if (waited != null) {
                for (StreamEntry e : waited) {
                    if (e.id() > top && c.receives(e.message())) {
                        c.send(e.id(), e.message());
                    }
                }
            }
            lastId = Math.max(lastId, top);
            hub.add(c);
            live++;
        }

        /** Called with the lock. */
        void abandon(Connection c) {
            if (pending.remove(c) == null && live > 0) {
                live--;
            }
        }

        boolean empty() {
            return pending.isEmpty() && live == 0;
        }

        void entry(StreamEntry e) {
            lock.lock();
            try {
                if (catchingUp) {
                    held.add(e);
                    return;
                }
                if (lastId > 0 && e.id() > lastId + 1) {
                    held.add(e); // entries before this one never came: read them back first
                    catchUp();
                    return;
                }
                deliver(e);
            } finally {
                lock.unlock();
            }
        }

        /** Called with the lock. */
        private void deliver(StreamEntry e) {
            for (List<StreamEntry> waiting : pending.values()) {
                waiting.add(e);
            }
            if (e.id() > lastId) {
                hub.deliver(user, e.id(), e.message());
                lastId = e.id();
            }
        }

        /** Reads back the entries after {@link #lastId} and delivers them, then what arrived meanwhile. */
        void catchUp() {
            lock.lock();
            try {
                if (catchingUp || lastId == 0) {
                    return;
                }
                catchingUp = true;
            } finally {
                lock.unlock();
            }
            streams.read(user, lastId, null, false).whenComplete((replay, failure) -> {
                lock.lock();
                try {
                    catchingUp = false;
                    if (failure != null) {
                        LOG.debugf("catching up %s failed: %s", user, failure.getMessage());
                        return; // the next entry, or the next resubscription, tries again
                    }
                    if (replay.gap()) {
                        LOG.infof("%s: entries after %d are no longer kept (epoch %s)", user, lastId,
                                replay.position().epoch());
                    }
                    replay.entries().forEach(this::deliver);
                    held.sort(java.util.Comparator.comparingLong(StreamEntry::id));
                    held.forEach(this::deliver);
                    held.clear();
                } finally {
                    lock.unlock();
                }
            });
        }
    }

    /** Redis channels of the users with a connection here, for a test's eye. */
    Set<String> localUsers() {
        return locals.keySet();
    }
}
