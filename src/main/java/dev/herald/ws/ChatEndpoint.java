package dev.herald.ws;

import org.jboss.logging.Logger;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.FrameEncoder;
import dev.herald.delivery.Subscriber;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/** {@code /ws/{user}}: one browser tab of a user. The work is done by {@link ProtocolHandler} and delivery beans. */
@WebSocket(path = "/ws/{user}", endpointId = ChatEndpoint.ID)
public class ChatEndpoint {

    static final String ID = "chat";
    static final TypedKey<Long> SINCE = TypedKey.forLong("herald.since");
    static final TypedKey<ConnectionState> STATE = new TypedKey<>("herald.connection");
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class);

    private final DeliveryService delivery;
    private final ProtocolHandler protocol;
    private final FrameEncoder encoder;
    private final LimitsConfig limits;
    private final VertxSockets sockets;
    private final ConnectionSlots slots;

    ChatEndpoint(DeliveryService delivery, ProtocolHandler protocol, FrameEncoder encoder, LimitsConfig limits,
            VertxSockets sockets, ConnectionSlots slots) {
        this.delivery = delivery;
        this.protocol = protocol;
        this.encoder = encoder;
        this.limits = limits;
        this.sockets = sockets;
        this.slots = slots;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        String user = connection.pathParam("user");
        if (!slots.claim(connection.userData().get(ConnectionLimitCheck.SLOT))) {
            connection.close(new CloseReason(1013, "too many connections for this user")).subscribe().with(ok -> {
            }, failure -> LOG.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
            return; // its slot lapsed before it opened and the user is at the limit again
        }
        Long since = connection.userData().get(SINCE);
        ConnectionOutbound outbound = new ConnectionOutbound(connection, sockets.socketOf(connection),
                limits.outboundBacklog(), limits.outboundBacklogBytes().asLongValue());
        Subscriber subscriber = delivery.connect(user, outbound, since,
                lastId -> encoder.json(new ServerFrame.Welcome(user, connection.id(), delivery.onlineUsersFor(user),
                        delivery.onlineCount() + (delivery.isOnline(user) ? 0 : 1), lastId, delivery.droppedFor(user))));
        outbound.onDrop(() -> delivery.disconnect(subscriber));
        long now = System.nanoTime();
        connection.userData().put(STATE, new ConnectionState(subscriber,
                new RateLimiter(limits.messagesPerSecond(), limits.burst(), now), now));
        LOG.infof("connect %s (%s) from %s", user, connection.id(), connection.handshakeRequest().remoteAddress());
    }

    @OnTextMessage
    @NonBlocking
    void message(WebSocketConnection connection, String text) {
        ConnectionState state = connection.userData().get(STATE);
        if (state == null) {
            return; // refused at open for lack of a slot, and closing
        }
        String reply = reply(state, connection, text);
        if (reply != null) {
            // the same writer as deliveries: a reply returned from here would take sendText's slower path
            state.subscriber.outbound().send(reply);
        }
    }

    private String reply(ConnectionState state, WebSocketConnection connection, String text) {
        long now = System.nanoTime();
        state.heard(now);
        if (!state.limiter.tryAcquire(now)) {
            int refused = state.limiter.refusedInARow();
            if (refused >= limits.abuseThreshold()) {
                if (refused == limits.abuseThreshold()) {
                    LOG.infof("closing %s (%s): sustained flooding", state.subscriber.user(), connection.id());
                    state.subscriber.outbound().close(1008, "rate limit exceeded");
                }
                return null;
            }
            return protocol.refuse(state.subscriber, "rate_limited",
                    "more than " + limits.messagesPerSecond() + " frames per second; this one was dropped");
        }
        return protocol.handle(state.subscriber, text);
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection connection, Buffer data) {
        ConnectionState state = connection.userData().get(STATE);
        if (state == null) {
            return; // refused at open for lack of a slot, and closing
        }
        state.heard(System.nanoTime());
        // A reply returned from here would go out as binary; the error must be a text frame.
        state.subscriber.outbound().send(protocol.refuse(state.subscriber, "binary_not_supported",
                "frames must be JSON text; a binary frame of " + data.length() + " bytes was ignored"));
    }

    /** The answer to the server's ping: the peer is alive. */
    @OnPongMessage
    void pong(WebSocketConnection connection, Buffer data) {
        ConnectionState state = connection.userData().get(STATE);
        if (state != null) {
            state.heard(System.nanoTime());
        }
    }

    /** A frame far over the limit: the decoder gave up on the stream, so close with its status (1009). */
    @OnError
    Uni<Void> corruptFrame(WebSocketConnection connection, CorruptedWebSocketFrameException e) {
        LOG.infof("closing %s (%s): %s", connection.pathParam("user"), connection.id(), e.getMessage());
        return connection.close(new CloseReason(e.closeStatus().code(), "frame too large or malformed"));
    }

    /** Vert.x reports a message over max-message-size as an IllegalStateException; it is a 1009, not a 1011. */
    @OnError
    Uni<Void> failure(WebSocketConnection connection, IllegalStateException e) {
        boolean tooBig = e.getMessage() != null && e.getMessage().contains("max message size");
        LOG.infof("closing %s (%s): %s", connection.pathParam("user"), connection.id(), e.getMessage());
        return connection.close(tooBig ? new CloseReason(1009, "message too big")
                : new CloseReason(1011, "internal error"));
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        slots.release(connection.userData().get(ConnectionLimitCheck.SLOT));
        ConnectionState state = connection.userData().get(STATE);
        if (state != null) {
            delivery.disconnect(state.subscriber);
        }
        LOG.infof("disconnect %s (%s) code %s", connection.pathParam("user"), connection.id(),
                connection.closeReason() == null ? "-" : connection.closeReason().getCode());
    }
}
