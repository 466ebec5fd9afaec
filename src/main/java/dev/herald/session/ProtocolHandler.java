package dev.herald.session;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.herald.auth.Tokens;
import dev.herald.connection.Connection;
import dev.herald.connection.LimitsConfig;
import dev.herald.connection.PeerActivity;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.InvalidMessage;
import dev.herald.delivery.MessageRules;
import dev.herald.delivery.Unavailable;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.ClientFrame;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.FrameParser;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;
import dev.herald.protocol.ProtocolError;
import dev.herald.protocol.ServerFrame;

/**
 * Speaks the protocol for one connection, whatever carries it: takes a client frame, applies the connection's rate
 * limit, carries it out, and answers with the reply frame, if any — an ack when the frame carried {@code ref}, an
 * error when it was refused. Only sustained flooding closes the connection.
 */
@Singleton // called per frame: no client proxy in front of it
public class ProtocolHandler {

    private static final Logger LOG = Logger.getLogger(ProtocolHandler.class);

    private final FrameParser parser;
    private final DeliveryService delivery;
    private final MessageRules rules;
    private final FrameEncoder encoder;
    private final Clock clock;
    private final HeraldMetrics metrics;
    private final LimitsConfig limits;
    private final Tokens tokens;

    /** Features' narrower rules, resolved once (usually one or none). */
    private final List<FramePolicy> policies;

    ProtocolHandler(FrameParser parser, DeliveryService delivery, MessageRules rules, FrameEncoder encoder,
            Clock clock, HeraldMetrics metrics, LimitsConfig limits, Tokens tokens, Instance<FramePolicy> policies) {
        this.tokens = tokens;
        this.policies = policies.stream().toList();
        this.parser = parser;
        this.delivery = delivery;
        this.rules = rules;
        this.encoder = encoder;
        this.clock = clock;
        this.metrics = metrics;
        this.limits = limits;
    }

    /** A text frame from the client; completes with the reply frame, or null when there is nothing to say. */
    public CompletionStage<String> receive(Connection c, String text) {
        return reply(c, text, false).thenApply(frame -> frame == null ? null : encoder.json(frame));
    }

    /**
     * A client frame carried by a request of its own ({@code POST /api/frames}): always answered, with the ack even
     * when the frame carried no {@code ref}, and with {@code rate_limited} even once the connection is being closed
     * for flooding. The socket path ({@link #receive}) is unchanged.
     */
    public CompletionStage<Answer> answer(Connection c, String text) {
        return reply(c, text, true).thenApply(frame -> new Answer(encoder.json(frame),
                frame instanceof ServerFrame.Error e ? e.code() : null));
    }

    /** The answer to a frame that came with a request: the frame, and the error code when it was refused. */
    public record Answer(String frame, String errorCode) {
    }

    /** The reply frame (an ack or error record), or null when there is nothing to say and {@code always} is false. */
    private CompletionStage<Object> reply(Connection c, String text, boolean always) {
        PeerActivity.Verdict verdict = admit(c);
        if (verdict != PeerActivity.Verdict.PASS) {
            return CompletableFuture.completedFuture(
                    verdict == PeerActivity.Verdict.REFUSE || always ? rateLimited(c) : null);
        }
        ClientFrame frame = null;
        try {
            frame = parser.parse(text);
            JsonNode ref = frame.ref();
            ClientFrame parsed = frame;
            return c.inOrder(() -> apply(c, parsed)).handle((ack, failure) -> {
                if (failure == null) {
                    return ref == null && !always ? null : ack;
                }
                return refusal(c, failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure, ref);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(refusal(c, e, frame == null ? null : frame.ref()));
        }
    }

    /** A frame the protocol does not take (binary): counted against the rate, answered with an error. */
    public String refuse(Connection c, String code, String message) {
        return switch (admit(c)) {
            case PASS -> encoder.json(error(c, code, message, null));
            case REFUSE -> encoder.json(rateLimited(c));
            case CLOSE, IGNORE -> null;
        };
    }

    /** {@link #refuse} for a frame that came with a request: always answered, as {@link #answer} is. */
    public Answer refuseAnswer(Connection c, String code, String message) {
        ServerFrame.Error error = admit(c) == PeerActivity.Verdict.PASS ? error(c, code, message, null) : rateLimited(c);
        return new Answer(encoder.json(error), error.code());
    }

    /** A ping from the client (Vert.x has answered it already): it costs from the rate limit like any frame. */
    public void ping(Connection c) {
        admit(c);
    }

    /**
     * Counts a frame against the connection's rate; on the frame that crosses the abuse threshold, closes the
     * connection for sustained flooding.
     */
    private PeerActivity.Verdict admit(Connection c) {
        PeerActivity.Verdict verdict = c.peer().frame(System.nanoTime());
        if (verdict == PeerActivity.Verdict.CLOSE) {
            LOG.infof("closing %s: sustained flooding", c);
            c.close(1008, "rate limit exceeded");
            c.transport().stopReading(); // what it still sends stays in the kernel's buffers, undecoded
        }
        return verdict;
    }

    private ServerFrame.Error rateLimited(Connection c) {
        return error(c, "rate_limited",
                "more than " + limits.messagesPerSecond() + " frames per second; this one was dropped", null);
    }

    private ServerFrame.Error refusal(Connection c, Throwable failure, JsonNode ref) {
        if (failure instanceof ProtocolError e) {
            return error(c, e.code(), e.getMessage(), e.ref() != null ? e.ref() : ref);
        }
        if (failure instanceof InvalidMessage e) {
            return error(c, e.code(), e.getMessage(), ref);
        }
        if (failure instanceof Unavailable e) {
            return error(c, "unavailable", e.getMessage(), ref);
        }
        LOG.errorf(failure, "frame from %s failed", c);
        return error(c, "internal_error", "the server could not carry out this frame", ref);
    }

    private ServerFrame.Error error(Connection c, String code, String message, JsonNode ref) {
        LOG.debugf("%s: %s %s", c, code, message);
        metrics.error(code);
        return new ServerFrame.Error(code, message, ref);
    }

    private CompletionStage<?> apply(Connection c, ClientFrame frame) {
        String user = c.user();
        JsonNode ref = frame.ref();
        for (FramePolicy policy : policies) {
            String refused = policy.refuses(c, frame);
            if (refused != null) {
                throw new ProtocolError("forbidden", refused, ref);
            }
        }
        return switch (frame) {
            case ClientFrame.Send send when send.to() != null -> delivery.deliverFrom(c,
                    Message.direct(user, rules.user("to", send.to()), rules.text("text", send.text()), Kind.DIRECT,
                            clock.instant()))
                    .thenApply(d -> ServerFrame.Ack.sent(ref, d.senderId(), d.withheldFrame()));
            case ClientFrame.Send send -> {
                String text = rules.text("text", send.text());
                yield joinedRoom(c, send.room(), ref).thenCompose(room -> delivery.deliverFrom(c,
                        Message.room(user, room, text, Kind.ROOM, clock.instant())))
                        .thenApply(d -> ServerFrame.Ack.sent(ref, d.senderId(), d.withheldFrame()));
            }
            case ClientFrame.Broadcast broadcast -> delivery.deliverFrom(c,
                    Message.broadcast(user, rules.text("text", broadcast.text()), Kind.BROADCAST, clock.instant()))
                    .thenApply(d -> ServerFrame.Ack.sent(ref, d.senderId(), d.withheldFrame()));
            case ClientFrame.Join join -> {
                String room = rules.room("room", join.room());
                if (!c.inRoom(room) && c.roomCount() >= limits.roomsPerConnection()) {
                    throw new ProtocolError("too_many_rooms",
                            "a connection may join at most " + limits.roomsPerConnection() + " rooms", ref);
                }
                yield delivery.join(c, room)
                        .thenApply(m -> ServerFrame.Ack.joined(ref, room, m.members(), m.count()));
            }
            case ClientFrame.Leave leave -> joinedRoom(c, leave.room(), ref)
                    .thenCompose(room -> delivery.leave(c, room).thenApply(left -> ServerFrame.Ack.room(ref, room)));
            case ClientFrame.Resume resume -> delivery.resume(c, resume.since())
                    .thenApply(r -> ServerFrame.Ack.resumed(ref, r.entries().size(), r.gap()));
            case ClientFrame.Watch watch -> {
                List<String> users = watch.users().stream().map(u -> rules.user("users", u)).distinct().toList();
                long more = users.stream().filter(u -> !c.watched().contains(u)).count();
                if (c.watchedCount() + more > limits.watchedPerConnection()) {
                    throw new ProtocolError("too_many_watched",
                            "a connection may watch at most " + limits.watchedPerConnection() + " users", ref);
                }
                yield delivery.watch(c, users).thenApply(online -> ServerFrame.Ack.watching(ref, online));
            }
            case ClientFrame.Unwatch unwatch -> {
                delivery.unwatch(c, unwatch.users());
                yield CompletableFuture.completedFuture(ServerFrame.Ack.done(ref));
            }
            case ClientFrame.Read read -> delivery.read(c, read.upTo()).thenApply(done -> ServerFrame.Ack.done(ref));
            case ClientFrame.Auth auth -> {
                renewToken(c, auth);
                yield CompletableFuture.completedFuture(ServerFrame.Ack.done(ref));
            }
        };
    }

    /** Moves the connection's expiry to the fresh token's; with authentication off there is nothing to renew. */
    private void renewToken(Connection c, ClientFrame.Auth auth) {
        if (c.lease() != null && !tokens.renew(c.lease(), auth.token())) {
            throw new ProtocolError("invalid_token", "the token is not a valid token for " + c.user()
                    + "; the connection still closes when its current token expires", auth.ref());
        }
    }

    /** The room, when this connection has joined it; else fails with unknown_room or not_in_room. */
    private CompletionStage<String> joinedRoom(Connection c, String name, JsonNode ref) {
        String room = rules.room("room", name);
        if (c.inRoom(room)) {
            return CompletableFuture.completedFuture(room);
        }
        return delivery.roomExists(room).thenApply(exists -> {
            throw exists ? new ProtocolError("not_in_room", "this connection has not joined room '" + room + "'", ref)
                    : new ProtocolError("unknown_room", "room '" + room + "' does not exist: join it first", ref);
        });
    }
}
