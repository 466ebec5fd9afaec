package dev.herald.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.herald.auth.TokenLease;
import dev.herald.protocol.EncodedMessage;

/**
 * One client connection of a user, whatever carries it (WebSocket or Server-Sent Events): its identity, where to
 * write, which rooms it has joined, what its peer has sent (rate limit, last heard), how long its token lets it
 * live, and where it stands in its user's stream.
 */
public final class Connection {

    /** Shared by every connection that has joined or watched nothing yet (most of them, most of the time). */
    private static final String[] NONE = new String[0];
    /** What a connection's first frame waits for: nothing. */
    private static final CompletionStage<?> NOTHING_BEFORE = CompletableFuture.completedFuture(null);
    // Plain fields with handles instead of Atomic* objects: 19 000 idle sockets hold each field, not an object each.
    private static final VarHandle LEFT;
    private static final VarHandle LAST_FRAME;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LEFT = lookup.findVarHandle(Connection.class, "left", boolean.class);
            LAST_FRAME = lookup.findVarHandle(Connection.class, "lastFrame", CompletionStage.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String id;
    private final String user;
    private final Transport transport;
    private final PeerActivity peer;
    /** False when the client asked ({@code echo=false}) not to be sent back the messages it sends. */
    private final boolean echo;
    /** Until when the connection's token lets it live; null when authentication is off. */
    private final TokenLease lease;
    /**
     * Rooms joined, copied on change: joins are rare, while every room message checks membership once per
     * connection, and a plain array is the cheapest thing to check when fanning out to thousands.
     */
    private volatile String[] rooms = NONE;
    /** Set once the connection has left delivery: leaving twice (on closing, and again on close) does nothing. */
    private volatile boolean left;
    /** The last frame this connection sent that is still being carried out: the next one waits for it. */
    private volatile CompletionStage<?> lastFrame = NOTHING_BEFORE;
    /** Every stream entry after this id has been written here; guarded by the user's stream ordering. */
    private long coveredAfter;

    public Connection(String id, String user, Transport transport, LimitsConfig limits, TokenLease lease, long now) {
        this(id, user, transport, limits, lease, now, true);
    }

    /** @param echo false: what this connection sends is not written back to it (the ack carries the message) */
    public Connection(String id, String user, Transport transport, LimitsConfig limits, TokenLease lease, long now,
            boolean echo) {
        this.echo = echo;
        this.id = id;
        this.user = user;
        this.transport = transport;
        this.peer = new PeerActivity(limits, now, transport::close);
        this.lease = lease;
    }

    public String id() {
        return id;
    }

    public String user() {
        return user;
    }

    /** Whether the messages this connection sends are written back to it too (see {@link #receives}). */
    public boolean echo() {
        return echo;
    }

    public Transport transport() {
        return transport;
    }

    public void send(String frame) {
        transport.send(frame);
    }

    /** Writes a stream entry with its id in this connection's stream. */
    public void send(long id, EncodedMessage entry) {
        transport.send(id, entry);
    }

    public void close(int code, String reason) {
        transport.close(code, reason);
    }

    /** What the peer has sent: its rate limit, and when it was last heard from. */
    public PeerActivity peer() {
        return peer;
    }

    public TokenLease lease() {
        return lease;
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

    /** Rare (join frames), and may race a disconnect on another thread: a plain lock is enough. */
    public synchronized boolean joined(String room) {
        if (inRoom(room)) {
            return false;
        }
        String[] more = Arrays.copyOf(rooms, rooms.length + 1);
        more[rooms.length] = room;
        rooms = more;
        return true;
    }

    public synchronized boolean left(String room) {
        if (!inRoom(room)) {
            return false;
        }
        rooms = Arrays.stream(rooms).filter(r -> !r.equals(room)).toArray(String[]::new);
        return true;
    }

    /**
     * Whether a message belongs on this connection: everything but messages of rooms it has not joined, and those it
     * sent itself without echo (its ack carried them).
     */
    public boolean receives(EncodedMessage message) {
        return (message.room() == null || inRoom(message.room())) && message.writtenTo(id);
    }

    /**
     * Runs {@code step} once the frames this connection sent before have been carried out, so that its messages keep
     * the order it sent them in even when carrying one out takes a round trip (to Redis, say).
     */
    public <T> java.util.concurrent.CompletionStage<T> inOrder(
            java.util.function.Supplier<java.util.concurrent.CompletionStage<T>> step) {
        java.util.concurrent.CompletableFuture<T> mine = new java.util.concurrent.CompletableFuture<>();
        ((CompletionStage<?>) LAST_FRAME.getAndSet(this, mine)).whenComplete((ignored, failure) -> {
            try {
                step.get().whenComplete((result, error) -> {
                    if (error != null) {
                        mine.completeExceptionally(error);
                    } else {
                        mine.complete(result);
                    }
                });
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    /** True the first time only: the connection leaves delivery once. */
    public boolean leave() {
        return LEFT.compareAndSet(this, false, true);
    }

    /** Users whose presence this connection watches, copied on change (watch frames are rare). */
    private volatile String[] watched = NONE;

    public List<String> watched() {
        return List.of(watched);
    }

    public int watchedCount() {
        return watched.length;
    }

    /** @return whether it was not watched before */
    public synchronized boolean watch(String user) {
        for (String w : watched) {
            if (w.equals(user)) {
                return false;
            }
        }
        String[] more = Arrays.copyOf(watched, watched.length + 1);
        more[watched.length] = user;
        watched = more;
        return true;
    }

    /** @return whether it was watched */
    public synchronized boolean unwatch(String user) {
        String[] fewer = Arrays.stream(watched).filter(w -> !w.equals(user)).toArray(String[]::new);
        boolean was = fewer.length < watched.length;
        watched = fewer;
        return was;
    }

    public long coveredAfter() {
        return coveredAfter;
    }

    public void coveredAfter(long id) {
        coveredAfter = id;
    }

    @Override
    public String toString() {
        return user + " (" + id + ")";
    }
}
