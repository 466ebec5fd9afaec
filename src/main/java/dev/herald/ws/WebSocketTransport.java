package dev.herald.ws;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.herald.connection.Transport;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocketBase;

/**
 * Writes frames to one WebSocket without waiting for the write to finish, counting the writes not yet taken by
 * the socket: a client that stops reading is closed once that backlog passes its bound, so it cannot make the
 * server hold unbounded memory. It resumes from its last id when it comes back.
 */
final class WebSocketTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(WebSocketTransport.class);

    private final WebSocketConnection connection;
    /** The Vert.x socket under the connection (see {@link VertxSockets}), or null to write through sendText. */
    private final WebSocketBase socket;
    private final int maxBacklog;
    private final AtomicInteger backlog = new AtomicInteger();
    /** Once closing, frames are dropped: a peer that does not read may not answer the close either. */
    private final AtomicBoolean closing = new AtomicBoolean();
    /** One completion handler for every write: nothing is allocated per frame for it. */
    private final Handler<AsyncResult<Void>> written = this::written;

    WebSocketTransport(WebSocketConnection connection, WebSocketBase socket, int maxBacklog) {
        this.connection = connection;
        this.socket = socket;
        this.maxBacklog = maxBacklog;
    }

    @Override
    public void send(String frame) {
        if (closing.get()) {
            return;
        }
        if (backlog.incrementAndGet() > maxBacklog) {
            backlog.decrementAndGet();
            LOG.infof("closing slow consumer %s (%s): more than %d frames unread", connection.pathParam("user"),
                    connection.id(), maxBacklog);
            close(1008, "slow consumer: outbound backlog full");
            return;
        }
        if (socket != null) {
            socket.writeTextMessage(frame, written);
        } else {
            connection.sendText(frame).subscribe().with(ok -> backlog.decrementAndGet(),
                    failure -> written(Future.failedFuture(failure)));
        }
    }

    private void written(AsyncResult<Void> result) {
        backlog.decrementAndGet();
        if (result.failed()) {
            LOG.debugf("write to %s failed: %s", connection.id(), result.cause().getMessage());
        }
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, failure -> LOG.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
        }
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(connection.handshakeRequest().remoteAddress());
    }
}
