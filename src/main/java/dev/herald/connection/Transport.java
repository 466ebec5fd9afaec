package dev.herald.connection;

import dev.herald.protocol.EncodedMessage;

/**
 * How frames reach one client: a WebSocket, or a Server-Sent Events stream. Delivery and the protocol only see
 * this, never the socket API.
 */
public interface Transport {

    /** Queues a text frame; never blocks the caller. A client that stops reading is closed once its backlog is full. */
    void send(String frame);

    /** Queues a stream entry's frame with this stream's {@code id}; a transport may write its bytes without a String. */
    default void send(long id, EncodedMessage entry) {
        send(entry.withId(id));
    }

    /**
     * Closes the connection with a WebSocket close code (an SSE stream just ends), and soon after, on another turn
     * of the event loop, runs the {@link #onClosing} action: a peer that does not read may never complete the close.
     */
    void close(int code, String reason);

    /** What to run once the server closes the connection, before the peer has answered. */
    void onClosing(Runnable action);

    /** Stops reading from a peer that is being closed for abuse; what it still sends is left undecoded. */
    default void stopReading() {
    }

    /** The peer's address, for log lines. */
    String remoteAddress();
}
