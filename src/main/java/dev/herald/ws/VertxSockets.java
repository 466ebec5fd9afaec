package dev.herald.ws;

import java.lang.reflect.Method;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.http.WebSocketBase;

/**
 * Finds the Vert.x socket under a websockets-next connection, so that fan-out writes go to it directly.
 *
 * <p>Why: {@code WebSocketConnection.sendText} wraps every write in a Mutiny {@code Uni} over a
 * {@code CompletionStage}, with context propagation around the supplier and both callbacks. Fanning one message out
 * to thousands of sockets, that wrapping took more CPU than the write itself (JFR, fan-out to 5 000 sockets), and
 * it is most of the gap between Herald and a bare Vert.x server. websockets-next keeps the socket behind a
 * package-private accessor, so it is reached once per connection by reflection; if a Quarkus upgrade changes that,
 * Herald logs it once and writes through {@code sendText} as before.
 */
@Singleton
@RegisterForReflection(classNames = "io.quarkus.websockets.next.runtime.WebSocketConnectionBase", methods = true,
        fields = false)
public class VertxSockets {

    private static final Logger LOG = Logger.getLogger(VertxSockets.class);
    private static final String BASE = "io.quarkus.websockets.next.runtime.WebSocketConnectionBase";

    private final Method accessor;

    VertxSockets() {
        this.accessor = find();
    }

    private static Method find() {
        try {
            Method m = Class.forName(BASE, false, VertxSockets.class.getClassLoader()).getDeclaredMethod("webSocket");
            if (!WebSocketBase.class.isAssignableFrom(m.getReturnType())) {
                throw new NoSuchMethodException("webSocket() returns " + m.getReturnType());
            }
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.infof("direct socket writes unavailable (%s): writing through WebSocketConnection.sendText", e);
            return null;
        }
    }

    /**
     * Stops reading from a connection that is being closed for abuse: what it still sends stays in the kernel's
     * buffers instead of being decoded (and pings answered) until the closing handshake times out.
     */
    public void stopReading(WebSocketConnection connection) {
        WebSocketBase socket = socketOf(connection);
        if (socket != null) {
            socket.pause();
        }
    }

    /** The connection's Vert.x socket, or null when it cannot be reached. */
    WebSocketBase socketOf(WebSocketConnection connection) {
        if (accessor == null) {
            return null;
        }
        try {
            return (WebSocketBase) accessor.invoke(connection);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("no direct socket for %s: %s", connection.id(), e);
            return null;
        }
    }
}
