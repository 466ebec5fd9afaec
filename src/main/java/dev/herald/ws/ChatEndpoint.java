package dev.herald.ws;

import java.io.IOException;

import org.jboss.logging.Logger;

import dev.herald.auth.TokenLease;
import dev.herald.connection.Connection;
import dev.herald.connection.ConnectionSlots;
import dev.herald.connection.LimitsConfig;
import dev.herald.delivery.DeliveryService;
import dev.herald.session.ProtocolHandler;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPingMessage;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws/{user}}: one browser tab of a user. Adapts websockets-next to a {@link Connection}; the protocol is
 * spoken by {@link ProtocolHandler} and delivery by {@link DeliveryService}.
 */
@WebSocket(path = "/ws/{user}", endpointId = ChatEndpoint.ID)
public class ChatEndpoint {

    static final String ID = "chat";
    static final TypedKey<Long> SINCE = TypedKey.forLong("herald.since");
    /** Set by {@link UpgradeCheck} for {@code ?echo=false}: what the connection sends is not written back to it. */
    static final TypedKey<Boolean> NO_ECHO = TypedKey.forBoolean("herald.no-echo");
    static final TypedKey<Connection> CONNECTION = new TypedKey<>("herald.connection");
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class);

    private final DeliveryService delivery;
    private final ProtocolHandler protocol;
    private final LimitsConfig limits;
    private final VertxSockets sockets;
    private final ConnectionSlots slots;
    private final Vertx vertx;

    ChatEndpoint(DeliveryService delivery, ProtocolHandler protocol, LimitsConfig limits, VertxSockets sockets,
            ConnectionSlots slots, Vertx vertx) {
        this.vertx = vertx;
        this.delivery = delivery;
        this.protocol = protocol;
        this.limits = limits;
        this.sockets = sockets;
        this.slots = slots;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection ws) {
        if (!slots.claim(ws.userData().get(ConnectionLimitCheck.SLOT))) {
            ws.close(new CloseReason(1013, "too many connections for this user")).subscribe().with(ok -> {
            }, failure -> LOG.debugf("close of %s failed: %s", ws.id(), failure.getMessage()));
            return; // its slot lapsed before it opened and the user is at the limit again
        }
        Connection c = new Connection(ws.id(), ws.pathParam("user"), new WebSocketTransport(ws, sockets.socketOf(ws),
                limits.outboundBacklog(), limits.outboundBacklogBytes().asLongValue(), vertx), limits,
                ws.userData().get(TokenLease.KEY), System.nanoTime(), ws.userData().get(NO_ECHO) == null);
        c.transport().onClosing(() -> delivery.disconnect(c));
        ws.userData().put(CONNECTION, c);
        ws.userData().put(IdleConnections.PEER, c.peer());
        LOG.infof("connect %s from %s", c, c.transport().remoteAddress());
        delivery.connect(c, ws.userData().get(SINCE)).whenComplete((replay, failure) -> {
            if (failure != null) {
                LOG.errorf(failure, "could not open %s", c);
                c.close(1011, "could not open the connection");
            }
        });
    }

    @OnTextMessage
    @NonBlocking
    void message(WebSocketConnection ws, String text) {
        Connection c = ws.userData().get(CONNECTION);
        if (c == null) {
            return; // refused at open for lack of a slot, and closing
        }
        // Replies go through the same writer as deliveries: one returned from here would take sendText's slower path.
        protocol.receive(c, text).thenAccept(reply -> {
            if (reply != null) {
                c.send(reply);
            }
        });
    }

    @OnBinaryMessage
    @NonBlocking
    void binary(WebSocketConnection ws, Buffer data) {
        Connection c = ws.userData().get(CONNECTION);
        if (c == null) {
            return;
        }
        String reply = protocol.refuse(c, "binary_not_supported",
                "frames must be JSON text; a binary frame of " + data.length() + " bytes was ignored");
        if (reply != null) {
            c.send(reply); // a reply returned from here would go out as binary; the error must be a text frame
        }
    }

    /** Vert.x has answered the ping already; it still costs from the limit (pings dropped by the pong gate never get here). */
    @OnPingMessage
    @NonBlocking
    void ping(WebSocketConnection ws, Buffer data) {
        Connection c = ws.userData().get(CONNECTION);
        if (c != null) {
            protocol.ping(c);
        }
    }

    /** The answer to the server's ping: the peer is alive. */
    @OnPongMessage
    void pong(WebSocketConnection ws, Buffer data) {
        Connection c = ws.userData().get(CONNECTION);
        if (c != null) {
            c.peer().heard(System.nanoTime());
        }
    }

    /** A malformed frame: the decoder ({@link UpgradeHardening}) has sent the close frame with its status already. */
    @OnError
    void corruptFrame(WebSocketConnection ws, CorruptedWebSocketFrameException e) {
        LOG.infof("closing %s (%s): %s", ws.pathParam("user"), ws.id(), e.getMessage());
    }

    /** The peer went away without a closing handshake (e.g. a TCP reset): one line, no stack trace. */
    @OnError
    void gone(WebSocketConnection ws, IOException e) {
        LOG.debugf("%s (%s) gone: %s", ws.pathParam("user"), ws.id(), e.getMessage());
    }

    /** Vert.x reports a message over max-message-size as an IllegalStateException; it is a 1009, not a 1011. */
    @OnError
    Uni<Void> failure(WebSocketConnection ws, IllegalStateException e) {
        boolean tooBig = e.getMessage() != null && e.getMessage().contains("max message size");
        LOG.infof("closing %s (%s): %s", ws.pathParam("user"), ws.id(), e.getMessage());
        return ws.close(tooBig ? new CloseReason(1009, "message too big") : new CloseReason(1011, "internal error"));
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection ws) {
        slots.release(ws.userData().get(ConnectionLimitCheck.SLOT));
        Connection c = ws.userData().get(CONNECTION);
        if (c != null) {
            delivery.disconnect(c);
        }
        LOG.infof("disconnect %s (%s) code %s", ws.pathParam("user"), ws.id(),
                ws.closeReason() == null ? "-" : ws.closeReason().getCode());
    }
}
