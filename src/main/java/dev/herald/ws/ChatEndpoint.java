package dev.herald.ws;

import java.io.IOException;

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
import io.quarkus.websockets.next.OnPingMessage;
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
        PeerActivity peer = new PeerActivity(limits, System.nanoTime(), outbound::close);
        connection.userData().put(STATE, new ConnectionState(subscriber, peer));
        connection.userData().put(PeerActivity.KEY, peer);
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
        return switch (admit(state, connection)) {
            case PASS -> protocol.handle(state.subscriber, text);
            case REFUSE -> rateLimited(state);
            case CLOSE, IGNORE -> null;
        };
    }

    /** Text, binary and ping frames all cost from the connection's rate limit; a sustained flood closes it (1008). */
    private PeerActivity.Verdict admit(ConnectionState state, WebSocketConnection connection) {
        PeerActivity.Verdict verdict = state.peer.frame(System.nanoTime());
        if (verdict == PeerActivity.Verdict.CLOSE) {
            LOG.infof("closing %s (%s): sustained flooding", state.subscriber.user(), connection.id());
            state.peer.close(1008, "rate limit exceeded");
            sockets.stopReading(connection);
        }
        return verdict;
    }

    private String rateLimited(ConnectionState state) {
        return protocol.refuse(state.subscriber, "rate_limited",
                "more than " + limits.messagesPerSecond() + " frames per second; this one was dropped");
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection connection, Buffer data) {
        ConnectionState state = connection.userData().get(STATE);
        if (state == null) {
            return; // refused at open for lack of a slot, and closing
        }
        // A reply returned from here would go out as binary; the error must be a text frame.
        String reply = switch (admit(state, connection)) {
            case PASS -> protocol.refuse(state.subscriber, "binary_not_supported",
                    "frames must be JSON text; a binary frame of " + data.length() + " bytes was ignored");
            case REFUSE -> rateLimited(state);
            case CLOSE, IGNORE -> null;
        };
        if (reply != null) {
            state.subscriber.outbound().send(reply);
        }
    }

    /** Vert.x has answered the ping already; it still costs from the limit (pings dropped by the pong gate never get here). */
    @OnPingMessage
    @NonBlocking
    void ping(WebSocketConnection connection, Buffer data) {
        ConnectionState state = connection.userData().get(STATE);
        if (state != null) {
            admit(state, connection);
        }
    }

    /** The answer to the server's ping: the peer is alive. */
    @OnPongMessage
    void pong(WebSocketConnection connection, Buffer data) {
        ConnectionState state = connection.userData().get(STATE);
        if (state != null) {
            state.peer.heard(System.nanoTime());
        }
    }

    /** A malformed frame: the decoder ({@link UpgradeHardening}) has sent the close frame with its status already. */
    @OnError
    void corruptFrame(WebSocketConnection connection, CorruptedWebSocketFrameException e) {
        LOG.infof("closing %s (%s): %s", connection.pathParam("user"), connection.id(), e.getMessage());
    }

    /** The peer went away without a closing handshake (e.g. a TCP reset): one line, no stack trace. */
    @OnError
    void gone(WebSocketConnection connection, IOException e) {
        LOG.debugf("%s (%s) gone: %s", connection.pathParam("user"), connection.id(), e.getMessage());
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
