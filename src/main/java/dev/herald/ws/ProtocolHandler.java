package dev.herald.ws;

import java.time.Clock;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.auth.TokenLease;
import dev.herald.auth.Tokens;
import dev.herald.delivery.Delivered;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.FrameEncoder;
import dev.herald.delivery.InvalidMessage;
import dev.herald.delivery.Kind;
import dev.herald.delivery.Message;
import dev.herald.delivery.MessageRules;
import dev.herald.delivery.Rooms;
import dev.herald.delivery.Subscriber;
import dev.herald.ops.HeraldMetrics;

/**
 * Carries out one client frame for a connection and returns the reply frame, if any: an ack when the frame
 * carried {@code ref}, an error when it was refused. Nothing here can close the connection.
 */
@Singleton // called per frame: no client proxy in front of it
public class ProtocolHandler {

    private static final Logger LOG = Logger.getLogger(ProtocolHandler.class);

    private final FrameParser parser;
    private final DeliveryService delivery;
    private final Rooms rooms;
    private final MessageRules rules;
    private final FrameEncoder encoder;
    private final Clock clock;
    private final HeraldMetrics metrics;
    private final LimitsConfig limits;
    private final Tokens tokens;

    ProtocolHandler(FrameParser parser, DeliveryService delivery, Rooms rooms, MessageRules rules,
            FrameEncoder encoder, Clock clock, HeraldMetrics metrics, LimitsConfig limits, Tokens tokens) {
        this.tokens = tokens;
        this.metrics = metrics;
        this.limits = limits;
        this.parser = parser;
        this.delivery = delivery;
        this.rooms = rooms;
        this.rules = rules;
        this.encoder = encoder;
        this.clock = clock;
    }

    /** @return the reply frame, or null when there is nothing to say */
    public String handle(Subscriber subscriber, String text) {
        ClientFrame frame = null;
        try {
            frame = parser.parse(text);
            Object ack = apply(subscriber, frame);
            return frame.ref() == null ? null : encoder.json(ack);
        } catch (ProtocolError e) {
            return error(subscriber, e.code(), e.getMessage(), e.ref());
        } catch (InvalidMessage e) {
            return error(subscriber, e.code(), e.getMessage(), frame == null ? null : frame.ref());
        }
    }

    /** An error frame for input that never reached the parser, such as a binary frame. */
    public String refuse(Subscriber subscriber, String code, String message) {
        return error(subscriber, code, message, null);
    }

    private String error(Subscriber subscriber, String code, String message, com.fasterxml.jackson.databind.JsonNode ref) {
        LOG.debugf("%s (%s): %s %s", subscriber.user(), subscriber.connectionId(), code, message);
        metrics.error(code);
        return encoder.json(new ServerFrame.Error(code, message, ref));
    }

    private Object apply(Subscriber subscriber, ClientFrame frame) {
        String user = subscriber.user();
        return switch (frame) {
            case ClientFrame.Send send when send.to() != null -> {
                Message message = Message.direct(user, rules.user("to", send.to()), rules.text("text", send.text()),
                        Kind.DIRECT, clock.instant());
                yield ServerFrame.Ack.sent(frame.ref(), delivery.deliver(message, user).senderId());
            }
            case ClientFrame.Send send -> {
                String room = joinedRoom(subscriber, send.room(), frame);
                Message message = Message.room(user, room, rules.text("text", send.text()), Kind.ROOM, clock.instant());
                yield ServerFrame.Ack.sent(frame.ref(), delivery.deliver(message, user).senderId());
            }
            case ClientFrame.Broadcast broadcast -> {
                Message message = Message.broadcast(user, rules.text("text", broadcast.text()), Kind.BROADCAST,
                        clock.instant());
                Delivered delivered = delivery.deliver(message, user);
                yield ServerFrame.Ack.sent(frame.ref(), delivered.senderId());
            }
            case ClientFrame.Join join -> {
                String room = rules.room("room", join.room());
                if (!subscriber.inRoom(room) && subscriber.roomCount() >= limits.roomsPerConnection()) {
                    throw new ProtocolError("too_many_rooms",
                            "a connection may join at most " + limits.roomsPerConnection() + " rooms", frame.ref());
                }
                delivery.join(subscriber, room);
                yield ServerFrame.Ack.room(frame.ref(), room);
            }
            case ClientFrame.Leave leave -> {
                String room = joinedRoom(subscriber, leave.room(), frame);
                delivery.leave(subscriber, room);
                yield ServerFrame.Ack.room(frame.ref(), room);
            }
            case ClientFrame.Resume resume -> ServerFrame.Ack.resumed(frame.ref(),
                    delivery.resume(subscriber, resume.since()));
            case ClientFrame.Auth auth -> {
                renewToken(subscriber, auth);
                yield ServerFrame.Ack.done(frame.ref());
            }
        };
    }

    /** Moves the socket's expiry to the fresh token's; with authentication off there is nothing to renew. */
    private void renewToken(Subscriber subscriber, ClientFrame.Auth auth) {
        TokenLease lease = subscriber.outbound() instanceof ConnectionOutbound out ? out.tokenLease() : null;
        if (lease != null && !tokens.renew(lease, auth.token())) {
            throw new ProtocolError("invalid_token", "the token is not a valid token for " + subscriber.user()
                    + "; the connection still closes when its current token expires", auth.ref());
        }
    }

    private String joinedRoom(Subscriber subscriber, String name, ClientFrame frame) {
        String room = rules.room("room", name);
        if (!subscriber.inRoom(room)) {
            if (!rooms.exists(room)) {
                throw new ProtocolError("unknown_room", "room '" + room + "' does not exist: join it first", frame.ref());
            }
            throw new ProtocolError("not_in_room", "this connection has not joined room '" + room + "'", frame.ref());
        }
        return room;
    }
}
