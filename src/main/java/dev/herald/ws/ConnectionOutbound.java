package dev.herald.ws;

import org.jboss.logging.Logger;

import dev.herald.delivery.Outbound;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

/** Writes frames to one websockets-next connection without waiting for the write to finish. */
final class ConnectionOutbound implements Outbound {

    private static final Logger LOG = Logger.getLogger(ConnectionOutbound.class);

    private final WebSocketConnection connection;

    ConnectionOutbound(WebSocketConnection connection) {
        this.connection = connection;
    }

    @Override
    public String id() {
        return connection.id();
    }

    @Override
    public void send(String frame) {
        connection.sendText(frame).subscribe().with(ok -> {
        }, failure -> LOG.debugf("write to %s failed: %s", connection.id(), failure.getMessage()));
    }

    @Override
    public void close(int code, String reason) {
        connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
        }, failure -> LOG.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
    }
}
