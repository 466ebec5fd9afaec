package dev.herald.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.EncodedMessage;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;
import dev.herald.protocol.ServerFrame;

/**
 * The one delivery path: the WebSocket and SSE connections, the HTTP API, the scheduler and the task relay all go
 * through here. It encodes each message once and leaves the rest to the engine's seams: the {@link Broker}
 * (numbering in streams and reaching connections), the {@link StreamStore} (what is kept) and {@link Presence}.
 */
@Singleton // called per frame: no client proxy in front of it
public class DeliveryService {

    private final Broker broker;
    private final StreamStore streams;
    private final Presence presence;
    private final Durability durability;
    private final FrameEncoder encoder;
    private final DeliveryConfig config;
    private final HeraldMetrics metrics;
    /** Deliveries under way, so that a shutdown can wait for them. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;

    private final Hub hub;

    DeliveryService(Broker broker, StreamStore streams, Presence presence, FrameEncoder encoder,
            DeliveryConfig config, HeraldMetrics metrics, Hub hub) {
        this(broker, streams, presence, Durability.AT_ONCE, encoder, config, metrics, hub);
    }

    @jakarta.inject.Inject
    DeliveryService(Broker broker, StreamStore streams, Presence presence, Durability durability, FrameEncoder encoder,
            DeliveryConfig config, HeraldMetrics metrics, Hub hub) {
        this.hub = hub;
        this.broker = broker;
        this.streams = streams;
        this.presence = presence;
        this.durability = durability;
        this.encoder = encoder;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Delivers a message to its target; see {@link Broker#publish}. Completes once it is safe: with a data
     * directory, once the commit that wrote it is done (what an ack or a 201 says).
     *
     * @throws Unavailable once the server is draining for shutdown: nothing is accepted that could not be delivered
     */
    public CompletionStage<Delivered> deliver(Message message, String sender) {
        return deliver(message, sender, null);
    }

    /** As {@link #deliver(Message, String)}, appending nothing twice for one {@code deliveryKey}. */
    public CompletionStage<Delivered> deliver(Message message, String sender, String deliveryKey) {
        return send(message, sender, deliveryKey, true);
    }

    /**
     * Delivers a message without waiting for it to be on disk: for a caller that writes more that must be committed
     * with it ({@link Durability#atomically}) and waits afterwards. Completes once numbered.
     */
    public CompletionStage<Delivered> publish(Message message, String sender, String deliveryKey) {
        return send(message, sender, deliveryKey, false);
    }

    /**
     * Delivers a message a client connection sent, as {@link #deliver(Message, String)} with its user as the sender.
     * A connection that asked not to be written its own messages ({@code echo=false}) is not: its user's other
     * connections are, and the outcome carries the frame for its ack.
     */
    public CompletionStage<Delivered> deliverFrom(Connection origin, Message message) {
        return send(message, origin.user(), null, true, origin.echo() ? null : origin.id());
    }

    private CompletionStage<Delivered> send(Message message, String sender, String deliveryKey, boolean durable) {
        return send(message, sender, deliveryKey, durable, null);
    }

    private CompletionStage<Delivered> send(Message message, String sender, String deliveryKey, boolean durable,
            String withheldFrom) {
        inFlight.incrementAndGet(); // before the check: drain() sees either this delivery or the refusal
        if (draining) {
            inFlight.decrementAndGet();
            throw new Unavailable("the server is shutting down: reconnect and send it again");
        }
        try {
            EncodedMessage encoded = withheldFrom == null ? encoder.message(message)
                    : encoder.message(message).withOrigin(withheldFrom);
            CompletionStage<Delivered> published = broker.publish(message, encoded, sender, deliveryKey);
            if (withheldFrom != null) {
                published = published.thenApply(d -> new Delivered(d.users(), d.senderId(), encoded));
            }
            if (durable && !durability.atOnce()) {
                published = published.thenCompose(d -> durability.committed().thenApply(v -> d));
            }
            return published.whenComplete((d, e) -> inFlight.decrementAndGet())
                    .thenApply(delivered -> {
                        metrics.messageIn(message.kind().wire());
                        metrics.messagesOut(message.kind().wire(), delivered.users());
                        return delivered;
                    });
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
    }

    /**
     * Stops taking messages and waits (at most {@code atMost}) for those under way, so that everything delivery
     * acknowledged has been handed to the recipients' connections before they are closed.
     */
    public void drain(Duration atMost) {
        draining = true;
        long deadline = System.nanoTime() + atMost.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** True once the server began to shut down. */
    public boolean draining() {
        return draining;
    }

    /**
     * Opens a connection: the user is announced if it is their first, then the connection gets its
     * welcome, what it missed after {@code since} (or the undelivered mailbox), and live traffic.
     */
    public CompletionStage<Replay> connect(Connection c, Long since) {
        String user = c.user();
        return presence.opened(user)
                .thenCompose(first -> presence.online(config.presenceLimit()))
                .thenCompose(online -> broker.attach(c, since, replay -> {
                    StreamPosition p = replay.position();
                    return encoder.json(new ServerFrame.Welcome(user, c.id(), withSelf(online.users(), user),
                            online.count(), p.lastId(), p.dropped(), p.epoch(), replay.gap(), p.readUpTo(), p.unread()));
                }));
    }

    /** The welcome lists at most presence-limit users, the connecting one always among them. */
    private List<String> withSelf(List<String> online, String user) {
        if (online.contains(user)) {
            return online;
        }
        List<String> some = new ArrayList<>(online.subList(0, Math.max(0, Math.min(online.size(), config.presenceLimit() - 1))));
        some.add(user);
        return some;
    }

    /** The connection is gone or going: it leaves delivery (once, however often this is called). */
    public void disconnect(Connection c) {
        if (!c.leave()) {
            return;
        }
        broker.detach(c);
        presence.closed(c.user());
    }

    /**
     * Moves the user's read cursor (see {@link Broker#read}); each direct message from another user that it passed
     * earns its sender a {@code receipt}, an entry of the sender's stream like any message (it waits for them if
     * they are offline).
     */
    public CompletionStage<Void> read(Connection c, long upTo) {
        return broker.read(c, upTo).thenCompose(passed -> {
            List<CompletableFuture<Delivered>> receipts = new ArrayList<>();
            for (StreamEntry e : passed) {
                if (e.message().wantsReceipt(c.user())) {
                    String sender = e.message().from();
                    receipts.add(broker.publish(Message.direct(null, sender, null, Kind.DIRECT, null),
                            encoder.receipt(sender, c.user(), e.message().senderCopy()), null,
                            "receipt:" + c.user() + ":" + e.id()).toCompletableFuture());
                }
            }
            CompletableFuture<Void> all = CompletableFuture.allOf(receipts.toArray(CompletableFuture[]::new));
            // with a data directory: the cursor and the receipts are on disk before the read is answered
            return durability.atOnce() ? all : all.thenCompose(v -> durability.committed());
        });
    }

    /** Where the user's stream stands, with the read cursor and unread count (for back ends: GET .../cursor). */
    public CompletionStage<StreamPosition> position(String user) {
        return streams.position(user);
    }

    /** Completes, with the room's members, once messages to the room reach the connection. */
    public CompletionStage<RoomMembers> join(Connection c, String room) {
        return broker.join(c, room);
    }

    public CompletionStage<RoomMembers> members(String room) {
        return broker.members(room);
    }

    /**
     * The connection now hears when these users come online or go offline (every node hears every change, so watching
     * is this node's business only); completes with their state now.
     */
    public CompletionStage<Map<String, Boolean>> watch(Connection c, List<String> users) {
        hub.watch(c, users);
        return presence.areOnline(users);
    }

    public void unwatch(Connection c, List<String> users) {
        hub.unwatch(c, users);
    }

    /** Completes (true when the connection was in the room) once it no longer counts as a member. */
    public CompletionStage<Boolean> leave(Connection c, String room) {
        return broker.leave(c, room);
    }

    public CompletionStage<Boolean> roomExists(String room) {
        return broker.roomExists(room);
    }

    public CompletionStage<Replay> resume(Connection c, long since) {
        return broker.resume(c, since);
    }

    /** Writes a frame that is not part of the message stream (task progress, for example) to a user's tabs. */
    public void push(String user, String frame) {
        broker.pushToUser(user, frame);
    }

    /** Open connections per online user, by name: up to {@code limit} users whose names sort after {@code after}. */
    public CompletionStage<SortedMap<String, Integer>> connectionCounts(String after, int limit) {
        return presence.connectionCounts(after, limit);
    }
}
