package dev.herald.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.connection.Connection;
import dev.herald.protocol.EncodedMessage;
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

    MemoryBroker(MemoryStreamStore streams, Hub hub) {
        this.streams = streams;
        this.hub = hub;
        streams.deliverCommittedWith(hub::deliver);
    }

    /** Completes once the message is numbered (and in memory only, written to connections). */
    @Override
    public CompletionStage<Delivered> publish(Message message, EncodedMessage encoded, String sender) {
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
            long id = append(message.to(), encoded, publication);
            users = 1;
            if (message.to().equals(sender)) {
                senderId = id;
            } else if (sender != null) {
                senderId = append(sender, encoded, publication);
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
                c.send(e.frame());
            }
            long from = since != null && !r.gap() ? since : r.entries().isEmpty() ? r.position().lastId()
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
            long upTo = c.coveredAfter();
            if (since >= upTo) {
                return new Replay(stream.position(streams.epoch()), java.util.List.of(), false);
            }
            Replay r = stream.readAfter(since, upTo, streams.epoch());
            for (StreamEntry e : r.entries()) {
                c.send(e.frame());
            }
            c.coveredAfter(r.entries().isEmpty() ? upTo : Math.min(upTo, r.entries().get(0).id() - 1));
            return r;
        });
        return CompletableFuture.completedFuture(replay);
    }

    @Override
    public void detach(Connection c) {
        for (String room : c.rooms()) {
            hub.leave(c, room);
        }
        MemoryStream left = streams.ordered(c.user(), stream -> {
            hub.remove(c);
            return stream;
        });
        streams.detached(left);
    }

    @Override
    public boolean join(Connection c, String room) {
        return hub.join(c, room);
    }

    @Override
    public boolean leave(Connection c, String room) {
        return hub.leave(c, room);
    }

    @Override
    public boolean roomExists(String room) {
        return hub.roomExists(room);
    }

    @Override
    public void pushToUser(String user, String frame) {
        hub.push(user, frame);
    }

    @Override
    public void pushToAll(String frame, String except) {
        hub.pushToAll(frame, except);
    }
}
