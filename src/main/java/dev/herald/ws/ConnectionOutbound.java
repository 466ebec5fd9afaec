package dev.herald.ws;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.herald.auth.TokenLease;
import dev.herald.delivery.Outbound;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocketBase;

/**
 * Writes frames to one connection without waiting for the write to finish, counting the writes not yet taken by
 * the socket: a client that stops reading is closed once that backlog passes its bound, so it cannot make the
 * server hold unbounded memory. It resumes from its last id when it comes back.
 */
final class ConnectionOutbound implements Outbound {

    private static final Logger LOG = Logger.getLogger(ConnectionOutbound.class);

    private final WebSocketConnection connection;
    /** The Vert.x socket under the connection (see {@link VertxSockets}), or null to write through sendText. */
    private final WebSocketBase socket;
    private final int maxBacklog;
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    /** One completion handler for every write: nothing is allocated per frame for it. */
    private final Handler<AsyncResult<Void>> written = this::written;
    /** Takes the connection out of delivery at once: a peer that does not read may not answer the close either. */
    private volatile Runnable onDrop = () -> {
    };

    ConnectionOutbound(WebSocketConnection connection, WebSocketBase socket, int maxBacklog) {
        this.connection = connection;
        this.socket = socket;
        this.maxBacklog = maxBacklog;
    }

    @Override
    public String id() {
        return connection.id();
    }

    /** The connection's token lease (set at the upgrade), or null when authentication is off. */
    TokenLease tokenLease() {
        return connection.userData().get(TokenLease.KEY);
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

    void onDrop(Runnable action) {
        this.onDrop = action;
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            onDrop.run();
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, failure -> LOG.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
        }
    }
}
