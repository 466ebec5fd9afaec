package dev.herald.delivery;

/** The sending side of one client connection, so delivery logic does not depend on the socket API. */
public interface Outbound {

    String id();

    /** Queues a text frame; never blocks the caller. */
    void send(String frame);

    void close(int code, String reason);
}
