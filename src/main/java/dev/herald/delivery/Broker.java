package dev.herald.delivery;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.herald.connection.Connection;
import dev.herald.protocol.EncodedMessage;
import dev.herald.protocol.Message;

/**
 * Who else must hear it: numbers a message in each recipient's stream and gets it to their connections, on this
 * process or on another node. The memory broker appends and hands the message to the local {@link Hub} in one
 * step; a broker between nodes publishes to the nodes hosting the recipients, whose hubs write it.
 */
public interface Broker {

    /**
     * Delivers a message to its target: {@code to} (a user, online or not), {@code room} (the users with a
     * connection in it), or every online user. {@code sender}, a user or null, also gets a copy of a direct
     * message in their own stream so all their tabs stay in sync. {@code deliveryKey}, when not null, makes a
     * second publish of the same key append nothing (a scheduled message fired again after a node died mid-way);
     * an engine that cannot lose a node may ignore it.
     */
    CompletionStage<Delivered> publish(Message message, EncodedMessage encoded, String sender, String deliveryKey);

    /**
     * Opens a connection onto its user's stream: {@code greeting} (built from the replay) is written first, then
     * the kept entries after {@code since} (or the undelivered mailbox when {@code since} is null), then live
     * traffic — no gap, no duplicate.
     */
    CompletionStage<Replay> attach(Connection connection, Long since, Function<Replay, String> greeting);

    /** Replays to one connection the kept entries after {@code since} that it has not been sent yet. */
    CompletionStage<Replay> resume(Connection connection, long since);

    /** The connection is gone: no more deliveries to it, and it leaves its rooms. */
    void detach(Connection connection);

    /**
     * Moves the user's read cursor forward to {@code upTo} (never back), and tells the user's other connections,
     * wherever they are. Completes with the kept entries the cursor passed (their senders may be owed receipts);
     * none when it did not move; fails with {@code invalid_field} for an id the stream never issued.
     */
    CompletionStage<List<StreamEntry>> read(Connection connection, long upTo);

    /**
     * Completes, with the room's members, once messages to the room reach the connection; the room's members are told
     * when it is the user's first connection in the room.
     */
    CompletionStage<RoomMembers> join(Connection connection, String room);

    /**
     * Completes (true when the connection was in the room) once it no longer counts as a member; the room's members
     * are told when it was the user's last connection in the room.
     */
    CompletionStage<Boolean> leave(Connection connection, String room);

    /** The room's members, site-wide. */
    CompletionStage<RoomMembers> members(String room);

    /** Whether anyone, anywhere, has a connection in the room. */
    CompletionStage<Boolean> roomExists(String room);

    /** Writes a frame that is not part of the user's stream (task progress) to all the user's connections. */
    void pushToUser(String user, String frame);

}
