package dev.herald.protocol;

/**
 * A {@code message} frame encoded once and shared by every stream it is appended to: each recipient's frame
 * differs only by the id of their own stream, so a stream keeps a reference to this rather than its own copy.
 *
 * @param tail the JSON frame after its id: {@code ,"from":...}}
 * @param room the room it was sent to, or null
 * @param createdNanos {@link System#nanoTime()} when it was encoded: how long delivered history is kept
 */
public record EncodedMessage(String tail, String room, long createdNanos) {

    private static final String PREFIX = "{\"type\":\"message\",\"id\":";

    /** The frame one stream writes, with its own id. */
    public String withId(long id) {
        return PREFIX + id + tail;
    }
}
