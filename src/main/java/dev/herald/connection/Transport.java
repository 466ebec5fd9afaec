package dev.herald.connection;

/**
 * How frames reach one client: a WebSocket, or a Server-Sent Events stream. Delivery and the protocol only see
 * this, never the socket API.
 */
public interface Transport {

    /** Queues a text frame; never blocks the caller. A client that stops reading is closed once its backlog is full. */
    void send(String frame);

    /** Closes the connection with a WebSocket close code (an SSE stream just ends). */
    void close(int code, String reason);

    /** The peer's address, for log lines. */
    String remoteAddress();
}
