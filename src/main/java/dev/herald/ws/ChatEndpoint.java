package dev.herald.ws;

import org.jboss.logging.Logger;

import dev.herald.connection.Connection;
import dev.herald.connection.LimitsConfig;
import dev.herald.connection.RateLimiter;
import dev.herald.delivery.DeliveryService;
import dev.herald.session.ProtocolHandler;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

/**
 * {@code /ws/{user}}: one browser tab of a user. Adapts websockets-next to a {@link Connection}; the protocol is
 * spoken by {@link ProtocolHandler} and delivery by {@link DeliveryService}.
 */
@WebSocket(path = "/ws/{user}", endpointId = ChatEndpoint.ID)
public class ChatEndpoint {

    static final String ID = "chat";
    static final TypedKey<Long> SINCE = TypedKey.forLong("herald.since");
    static final TypedKey<Connection> CONNECTION = new TypedKey<>("herald.connection");
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class);

    private final DeliveryService delivery;
    private final ProtocolHandler protocol;
    private final LimitsConfig limits;
    private final VertxSockets sockets;

    ChatEndpoint(DeliveryService delivery, ProtocolHandler protocol, LimitsConfig limits, VertxSockets sockets) {
        this.delivery = delivery;
        this.protocol = protocol;
        this.limits = limits;
        this.sockets = sockets;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection ws) {
        Connection c = new Connection(ws.id(), ws.pathParam("user"),
                new WebSocketTransport(ws, sockets.socketOf(ws), limits.outboundBacklog()),
                new RateLimiter(limits.messagesPerSecond(), limits.burst(), System.nanoTime()), System.nanoTime());
        ws.userData().put(CONNECTION, c);
        delivery.connect(c, ws.userData().get(SINCE));
        LOG.infof("connect %s from %s", c, c.transport().remoteAddress());
    }

    @OnTextMessage
    @NonBlocking
    void message(WebSocketConnection ws, String text) {
        Connection c = ws.userData().get(CONNECTION);
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
        String reply = protocol.refuse(c, "binary_not_supported",
                "frames must be JSON text; a binary frame of " + data.length() + " bytes was ignored");
        if (reply != null) {
            c.send(reply); // a reply returned from here would go out as binary; the error must be a text frame
        }
    }

    /** The answer to the server's ping: the peer is alive. */
    @OnPongMessage
    void pong(WebSocketConnection ws, Buffer data) {
        Connection c = ws.userData().get(CONNECTION);
        if (c != null) {
            c.heard(System.nanoTime());
        }
    }

    /** A frame far over the limit: the decoder gave up on the stream, so close with its status (1009). */
    @OnError
    Uni<Void> corruptFrame(WebSocketConnection ws, CorruptedWebSocketFrameException e) {
        LOG.infof("closing %s (%s): %s", ws.pathParam("user"), ws.id(), e.getMessage());
        return ws.close(new CloseReason(e.closeStatus().code(), "frame too large or malformed"));
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
        Connection c = ws.userData().get(CONNECTION);
        if (c != null) {
            delivery.disconnect(c);
        }
        LOG.infof("disconnect %s (%s) code %s", ws.pathParam("user"), ws.id(),
                ws.closeReason() == null ? "-" : ws.closeReason().getCode());
    }
}
