package dev.herald.ws;

import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.FrameEncoder;
import dev.herald.delivery.Subscriber;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData.TypedKey;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;

/** {@code /ws/{user}}: one browser tab of a user. The work is done by {@link ProtocolHandler} and delivery beans. */
@WebSocket(path = "/ws/{user}", endpointId = ChatEndpoint.ID)
public class ChatEndpoint {

    static final String ID = "chat";
    static final TypedKey<Long> SINCE = TypedKey.forLong("herald.since");
    private static final TypedKey<Subscriber> SUBSCRIBER = new TypedKey<>("herald.subscriber");
    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class);

    private final DeliveryService delivery;
    private final ProtocolHandler protocol;
    private final FrameEncoder encoder;

    ChatEndpoint(DeliveryService delivery, ProtocolHandler protocol, FrameEncoder encoder) {
        this.delivery = delivery;
        this.protocol = protocol;
        this.encoder = encoder;
    }

    @OnOpen
    @NonBlocking
    void open(WebSocketConnection connection) {
        String user = connection.pathParam("user");
        Long since = connection.userData().get(SINCE);
        Subscriber subscriber = delivery.connect(user, new ConnectionOutbound(connection), since,
                lastId -> encoder.json(new ServerFrame.Welcome(user, connection.id(), onlineWith(user), lastId,
                        delivery.droppedFor(user))));
        connection.userData().put(SUBSCRIBER, subscriber);
        LOG.infof("connect %s (%s) from %s", user, connection.id(), connection.handshakeRequest().remoteAddress());
    }

    private List<String> onlineWith(String user) {
        List<String> online = new ArrayList<>(delivery.onlineUsers());
        if (!online.contains(user)) {
            online.add(user);
            online.sort(null);
        }
        return online;
    }

    @OnTextMessage
    @NonBlocking
    String message(WebSocketConnection connection, String text) {
        return protocol.handle(connection.userData().get(SUBSCRIBER), text);
    }

    @OnBinaryMessage
    @NonBlocking
    String binary(WebSocketConnection connection, Buffer data) {
        return protocol.refuse(connection.userData().get(SUBSCRIBER), "binary_not_supported",
                "frames must be JSON text; a binary frame of " + data.length() + " bytes was ignored");
    }

    @OnClose
    @NonBlocking
    void close(WebSocketConnection connection) {
        Subscriber subscriber = connection.userData().get(SUBSCRIBER);
        if (subscriber != null) {
            delivery.disconnect(subscriber);
        }
        LOG.infof("disconnect %s (%s) code %s", connection.pathParam("user"), connection.id(),
                connection.closeReason() == null ? "-" : connection.closeReason().getCode());
    }
}
