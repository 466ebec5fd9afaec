package dev.herald.protocol;

/**
 * An entry of users' streams, encoded once and shared by every stream it is appended to: each recipient's frame
 * differs only by the id of their own stream, so a stream keeps a reference to this rather than its own copy. Most
 * are {@code message} frames; a {@code receipt} (a direct message was read) is an entry of its sender's stream too.
 *
 * @param type the frame's type: {@code message} or {@code receipt}
 * @param tail the JSON frame after its id: {@code ,"from":...}}
 * @param room the room it was sent to, or null
 * @param from who sent it (a user, or the API's sender name): a user's own messages are never unread for them
 * @param senderCopy for a direct message between users, the id of the sender's own copy in the sender's stream
 *        (what a receipt names); 0 otherwise
 * @param createdNanos {@link System#nanoTime()} when it was encoded: how long delivered history is kept
 */
public record EncodedMessage(String type, String tail, String room, String from, long senderCopy, long createdNanos) {

    public static final String MESSAGE = "message", RECEIPT = "receipt";

    /** The frame one stream writes, with its own id. */
    public String withId(long id) {
        return "{\"type\":\"" + type + "\",\"id\":" + id + tail;
    }

    public boolean isMessage() {
        return MESSAGE.equals(type);
    }

    /** This direct message as its recipient keeps it: naming the sender's copy, which a receipt will name. */
    public EncodedMessage withSenderCopy(long id) {
        return new EncodedMessage(type, tail, room, from, id, createdNanos);
    }

    /** Whether the reader's cursor passing this entry earns its sender a receipt: a direct message between users. */
    public boolean wantsReceipt(String reader) {
        return isMessage() && senderCopy > 0 && from != null && !from.equals(reader);
    }
}
