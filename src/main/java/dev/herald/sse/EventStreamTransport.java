package dev.herald.sse;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.herald.connection.BacklogBoundedTransport;
import dev.herald.protocol.StreamIds;
import io.netty.buffer.ByteBufUtil;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * Writes one connection's frames to an event stream ({@code text/event-stream}, one HTTP response that never ends
 * by itself): each frame is one event, {@code data: <frame>}, and a frame of the user's stream also names its id
 * ({@code id: <id>}). Like the WebSocket transport, it closes a client that stops reading once its backlog passes a
 * bound (see {@link BacklogBoundedTransport}). Closing ends the response and then the
 * TCP connection (at once when the end is written, else after {@code herald.limits.closing-timeout}: a client that
 * does not read never takes it).
 */
final class EventStreamTransport extends BacklogBoundedTransport {

    private static final Logger LOG = Logger.getLogger(EventStreamTransport.class);
    private static final String HEARTBEAT = ": ping\n\n";

    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final Vertx vertx;
    /** The request's event loop: the stream's heartbeats, its end and its cut run there. */
    private final Context context;
    private final long closingTimeoutMillis;
    /** Once closing, frames are dropped: a client that does not read may never take the end of the stream. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Runnable onClosing = () -> {
    };
    private volatile Runnable onClosed = () -> {
    };
    private volatile int closeCode = -1;
    private final String remoteAddress;
    /** Whose stream this is, for log lines. */
    private final String name;

    /** Created on the request's event loop, which it keeps as its context. */
    EventStreamTransport(String name, HttpServerRequest request, Vertx vertx, int maxFrames, long maxBytes,
            long closingTimeoutMillis) {
        super(maxFrames, maxBytes);
        this.name = name;
        this.request = request;
        this.response = request.response();
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.closingTimeoutMillis = closingTimeoutMillis;
        this.remoteAddress = String.valueOf(request.remoteAddress());
        // The client went away (or the connection broke): the stream is over whoever noticed first.
        response.closeHandler(v -> closed());
        response.exceptionHandler(e -> {
            LOG.debugf("event stream of %s failed: %s", name, e.getMessage());
            closed();
        });
    }

    @Override
    public void send(String frame) {
        long id = StreamIds.of(frame);
        write(id < 0 ? "data: " + frame + "\n\n" : "id: " + id + "\ndata: " + frame + "\n\n");
    }

    /** A comment line: keeps proxies from timing the stream out, and a failed write ends a stream nobody reads. */
    void heartbeat() {
        write(HEARTBEAT);
    }

    private void write(String event) {
        if (closing.get()) {
            return;
        }
        int size = ByteBufUtil.utf8Bytes(event); // what the event occupies once encoded, until the socket takes it
        if (!admit(size)) {
            LOG.infof("closing slow consumer %s over SSE: %s", name, bounds());
            close(1008, "slow consumer: outbound backlog full");
            return;
        }
        try {
            response.write(event, result -> written(size, result));
        } catch (IllegalStateException e) { // the response ended or its connection closed meanwhile
            taken(size);
            gone(e);
        }
    }

    private void written(int size, AsyncResult<Void> result) {
        taken(size);
        if (result.failed()) {
            gone(result.cause());
        }
    }

    /** A write failed: the client is gone (a heartbeat is what notices a silent one). Nothing more can be written. */
    private void gone(Throwable why) {
        if (closing.compareAndSet(false, true)) {
            LOG.debugf("event stream of %s gone: %s", name, why.getMessage());
        }
        context.runOnContext(v -> cut()); // not inside the failing write's own callback
    }

    @Override
    public void onClosing(Runnable action) {
        this.onClosing = action;
    }

    /** What to run once the stream is over: the client left, or the server's close has cut the connection. */
    void onClosed(Runnable action) {
        this.onClosed = action;
    }

    /** The close code given when the server closed the stream (there is none on the wire), or -1. */
    int closeCode() {
        return closeCode;
    }

    @Override
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeCode = code;
        // Not here: close() may run inside a delivery that holds another user's stream, or inside a write.
        context.runOnContext(v -> {
            onClosing.run();
            end();
        });
    }

    private void end() {
        long timer = vertx.setTimer(closingTimeoutMillis, t -> cut());
        try {
            response.end(ended -> {
                vertx.cancelTimer(timer);
                cut();
            });
        } catch (IllegalStateException e) { // ended or closed already
            vertx.cancelTimer(timer);
            cut();
        }
    }

    /** Ends the TCP connection (an HTTP/2 stream is reset instead: its connection carries others). */
    private void cut() {
        if (request.version() == HttpVersion.HTTP_2) {
            response.reset();
        } else {
            request.connection().close();
        }
        closed();
    }

    private void closed() {
        if (closed.compareAndSet(false, true)) {
            closing.set(true);
            onClosed.run();
        }
    }

    /** Nothing to stop: an event stream's client sends nothing on it, and its POSTs are refused once it is closed. */
    @Override
    public void stopReading() {
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }
}
