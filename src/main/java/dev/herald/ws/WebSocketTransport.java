package dev.herald.ws;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.herald.connection.BacklogBoundedTransport;
import dev.herald.protocol.EncodedMessage;
import io.netty.buffer.ByteBufUtil;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

/**
 * Writes frames to one WebSocket without waiting for the write to finish; a client that stops reading is closed once
 * its backlog passes a bound (see {@link BacklogBoundedTransport}). It resumes from its last id when it comes back.
 */
final class WebSocketTransport extends BacklogBoundedTransport {

    private static final Logger LOG = Logger.getLogger(WebSocketTransport.class);
    /** Larger frames go through writeTextMessage, which splits them at the server's frame size as before. */
    private static final int MAX_SINGLE_FRAME = 65536;

    private final WebSocketConnection connection;
    /** The Vert.x socket under the connection (see {@link VertxSockets}), or null to write through sendText. */
    private final WebSocketBase socket;
    /** Once closing, frames are dropped: a peer that does not read may not answer the close either. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile Runnable onClosing = () -> {
    };

    private final Vertx vertx;

    WebSocketTransport(WebSocketConnection connection, WebSocketBase socket, int maxFrames, long maxBytes, Vertx vertx) {
        super(maxFrames, maxBytes);
        this.connection = connection;
        this.vertx = vertx;
        this.socket = socket;
    }

    @Override
    public void send(String frame) {
        if (closing.get()) {
            return;
        }
        int size = ByteBufUtil.utf8Bytes(frame); // what the frame occupies once encoded, until the socket takes it
        if (!admitted(size)) {
            return;
        }
        if (socket != null) {
            socket.writeTextMessage(frame, result -> written(size, result));
        } else {
            connection.sendText(frame).subscribe().with(ok -> taken(size),
                    failure -> written(size, Future.failedFuture(failure)));
        }
    }

    /**
     * A stream entry goes out as the bytes of its frame, built from the entry's shared UTF-8 (see
     * {@link EncodedMessage#frameUtf8}): what Vert.x would otherwise do for each recipient's String (encode it again),
     * without the String.
     */
    @Override
    public void send(long id, EncodedMessage entry) {
        if (socket == null) {
            send(entry.withId(id));
            return;
        }
        if (closing.get()) {
            return;
        }
        byte[] frame = entry.frameUtf8(id);
        if (frame.length > MAX_SINGLE_FRAME) {
            send(new String(frame, StandardCharsets.UTF_8));
            return;
        }
        int size = frame.length;
        if (!admitted(size)) {
            return;
        }
        socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame, true), result -> written(size, result));
    }

    /** Counts a write in the backlog, or closes a client whose backlog is full. */
    private boolean admitted(int size) {
        if (admit(size)) {
            return true;
        }
        LOG.infof("closing slow consumer %s (%s): %s", connection.pathParam("user"), connection.id(), bounds());
        close(1008, "slow consumer: outbound backlog full");
        return false;
    }

    private void written(int size, AsyncResult<Void> result) {
        taken(size);
        if (result.failed()) {
            LOG.debugf("write to %s failed: %s", connection.id(), result.cause().getMessage());
        }
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
