package dev.herald.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.protocol.EncodedMessage;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import dev.herald.protocol.Message;

/**
 * One process is the whole site: every recipient's connections are in the local {@link Hub}. Each message is
 * numbered in a recipient's stream and written to that recipient's connections while the stream is held, so
 * connections see their stream in id order, as centrifuge's memory broker does under its publish lock.
 *
 * <p>With a data directory the message is numbered the same way but reaches connections after the commit that
 * wrote it, still in id order per stream (see {@link MemoryStream#pump}).
 */
@Singleton // called per message: no client proxy in front of it
@Typed(MemoryBroker.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryBroker implements Broker {

    private final MemoryStreamStore streams;
    private final Hub hub;
    private final FrameEncoder encoder;

    private final PresenceFanout fanout;
    private final int membersListed;

    MemoryBroker(MemoryStreamStore streams, Hub hub, FrameEncoder encoder, PresenceFanout fanout, DeliveryConfig config) {
        this.fanout = fanout;
        this.membersListed = config.roomMembersListed();
        this.streams = streams;
        this.hub = hub;
        this.encoder = encoder;
        streams.deliverCommittedWith(hub::deliver);
    }

    /** Completes once the message is numbered (and in memory only, written to connections). */
    @Override
    public CompletionStage<Delivered> publish(Message message, EncodedMessage encoded, String sender,
            String deliveryKey) {
        if (!streams.journaled()) {
            return CompletableFuture.completedFuture(numbered(message, encoded, sender, null));
        }
        int recipients = message.to() != null ? 2 : (message.room() != null ? hub.usersIn(message.room()) : hub.users()).size();
        return CompletableFuture.completedFuture(
                streams.durably(encoded, recipients, publication -> numbered(message, encoded, sender, publication)));
    }

    private Delivered numbered(Message message, EncodedMessage encoded, String sender, Publication publication) {
        long senderId = 0;
        int users = 0;
        if (message.to() != null) {
            users = 1;
            if (sender != null && !message.to().equals(sender)) {
                // The sender's copy first: the recipient's entry names it, and a receipt will too.
                senderId = append(sender, encoded, publication);
                append(message.to(), encoded.withSenderCopy(senderId), publication);
            } else {
                long id = append(message.to(), encoded, publication);
                senderId = message.to().equals(sender) ? id : 0;
            }
        } else {
            for (String user : message.room() != null ? hub.usersIn(message.room()) : hub.users()) {
                long id = append(user, encoded, publication);
                users++;
                if (user.equals(sender)) {
                    senderId = id;
                }
            }
        }
        return new Delivered(users, senderId);
    }

    private long append(String user, EncodedMessage encoded, Publication publication) {
        return publication != null ? streams.append(user, encoded, publication)
                : streams.append(user, encoded, id -> hub.deliver(user, id, encoded));
    }

    @Override
    public CompletionStage<Replay> attach(Connection c, Long since, Function<Replay, String> greeting) {
        Replay replay = streams.ordered(c.user(), stream -> {
            if (streams.journaled()) {
                streams.pump(stream); // what is committed reaches the others first: the replay ends where they are
            }
            Replay r = stream.replayFor(since, streams.epoch());
            c.send(greeting.apply(r));
            for (StreamEntry e : r.entries()) {
                c.send(e.id(), e.message());
            }
            long from = since != null && !r.gap() ? stream.resolve(since) : r.entries().isEmpty() ? r.position().lastId()
                    : r.entries().get(0).id() - 1;
            c.coveredAfter(Math.min(from, r.position().lastId()));
            hub.add(c);
            streams.attached(stream);
            return r;
        });
        return CompletableFuture.completedFuture(replay);
    }

    @Override
    public CompletionStage<Replay> resume(Connection c, long since) {
        Replay replay = streams.ordered(c.user(), stream -> {
            long upTo = c.coveredAfter(), from = stream.resolve(since);
            if (from >= upTo) {
                return new Replay(stream.position(streams.epoch()), java.util.List.of(), false);
            }
            Replay r = stream.readAfter(from, upTo, streams.epoch());
            for (StreamEntry e : r.entries()) {
                c.send(e.id(), e.message());
            }
            c.coveredAfter(r.entries().isEmpty() ? upTo : Math.min(upTo, r.entries().get(0).id() - 1));
            return r;
        });
        return CompletableFuture.completedFuture(replay);
    }

    @Override
    public void detach(Connection c) {
        for (String room : c.rooms()) {
            leave(c, room);
        }
        MemoryStream left = streams.ordered(c.user(), stream -> {
            hub.remove(c);
            return stream;
        });
        streams.detached(left);
    }

    @Override
    public CompletionStage<List<StreamEntry>> read(Connection c, long upTo) {
        List<StreamEntry> passed = streams.ordered(c.user(), stream -> stream.read(upTo));
        if (passed == null) {
            return CompletableFuture.completedFuture(List.of());
        }
        hub.pushExcept(c, encoder.json(new ServerFrame.Read(upTo)));
        return CompletableFuture.completedFuture(passed);
    }

    @Override
    public CompletionStage<RoomMembers> join(Connection c, String room) {
        if (hub.join(c, room) == 1) {
            fanout.roomChanged(room, c.user(), true);
        }
        return members(room);
    }

    @Override
    public CompletionStage<Boolean> leave(Connection c, String room) {
        int left = hub.leave(c, room);
        if (left == 0) {
            fanout.roomChanged(room, c.user(), false);
        }
        return CompletableFuture.completedFuture(left >= 0);
    }

    @Override
    public CompletionStage<RoomMembers> members(String room) {
        return CompletableFuture.completedFuture(new RoomMembers(hub.membersHere(room, membersListed),
                hub.memberCountHere(room)));
    }

    @Override
    public CompletionStage<Boolean> roomExists(String room) {
        return CompletableFuture.completedFuture(hub.roomExists(room));
    }

    @Override
    public void pushToUser(String user, String frame) {
        hub.push(user, frame);
    }

}
