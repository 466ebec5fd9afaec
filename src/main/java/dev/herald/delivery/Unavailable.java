package dev.herald.delivery;

/**
 * Delivery cannot take a message now: the server is shutting down, or (on Redis) the engine cannot be reached. The
 * caller is told (an {@code unavailable} error frame, a 503 problem) and nothing was acknowledged.
 */
public class Unavailable extends RuntimeException {

    public Unavailable(String message) {
        super(message, null, false, false);
    }
}
