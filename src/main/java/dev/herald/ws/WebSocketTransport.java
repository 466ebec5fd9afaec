package dev.herald.ws;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.herald.connection.Transport;
import io.netty.buffer.ByteBufUtil;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;

/**
 * Writes frames to one WebSocket without waiting for the write to finish, counting the writes not yet taken by
 * the socket, in frames and in bytes: a client that stops reading is closed once that backlog passes either bound,
 * so it cannot make the server hold unbounded memory (the byte bound is what holds when frames are large, the frame
 * bound when they are many and small). It resumes from its last id when it comes back.
 */
final class WebSocketTransport implements Transport {

    private static final Logger LOG = Logger.getLogger(WebSocketTransport.class);

    private final WebSocketConnection connection;
    /** The Vert.x socket under the connection (see {@link VertxSockets}), or null to write through sendText. */
    private final WebSocketBase socket;
    private final int maxFrames;
    private final long maxBytes;
    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    /** Once closing, frames are dropped: a peer that does not read may not answer the close either. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Runnable onClosing = () -> {
    };

    private final Vertx vertx;

    WebSocketTransport(WebSocketConnection connection, WebSocketBase socket, int maxFrames, long maxBytes, Vertx vertx) {
        this.connection = connection;
        this.vertx = vertx;
        this.socket = socket;
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    @Override
    public void send(String frame) {
        if (closing.get()) {
            return;
        }
        int size = ByteBufUtil.utf8Bytes(frame); // what the frame occupies once encoded, until the socket takes it
        boolean full = frames.incrementAndGet() > maxFrames;
        full |= bytes.addAndGet(size) > maxBytes;
        if (full) {
            written(size); // not written after all
            LOG.infof("closing slow consumer %s (%s): more than %d frames or %d bytes unread",
                    connection.pathParam("user"), connection.id(), maxFrames, maxBytes);
            close(1008, "slow consumer: outbound backlog full");
            return;
        }
        if (socket != null) {
            socket.writeTextMessage(frame, result -> written(size, result));
        } else {
            connection.sendText(frame).subscribe().with(ok -> written(size),
                    failure -> written(size, Future.failedFuture(failure)));
        }
    }

    private void written(int size, AsyncResult<Void> result) {
        written(size);
        if (result.failed()) {
            LOG.debugf("write to %s failed: %s", connection.id(), result.cause().getMessage());
        }
    }

    private void written(int size) {
        frames.decrementAndGet();
        bytes.addAndGet(-size);
    }

    @Override
    public void onClosing(Runnable action) {
        this.onClosing = action;
    }

    @Override
    public void close(int code, String reason) {
        if (closing.compareAndSet(false, true)) {
            // Not here: close() may run inside a delivery that holds another user's stream.
            vertx.runOnContext(v -> onClosing.run());
            connection.close(new CloseReason(code, reason)).subscribe().with(ok -> {
            }, failure -> LOG.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
        }
    }

    @Override
    public void stopReading() {
        if (socket != null) {
            socket.pause();
        }
    }

    @Override
    public String remoteAddress() {
        return String.valueOf(connection.handshakeRequest().remoteAddress());
    }
}
