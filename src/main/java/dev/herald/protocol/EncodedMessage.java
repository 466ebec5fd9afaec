package dev.herald.protocol;

import java.nio.charset.StandardCharsets;

/**
 * An entry of users' streams, encoded once and shared by every stream it is appended to: each recipient's frame
 * differs only by the id of their own stream, so a stream keeps a reference to this rather than its own copy. Most
 * are {@code message} frames; a {@code receipt} (a direct message was read) is an entry of its sender's stream too.
 *
 * @param type the frame's type: {@code message} or {@code receipt}
 * @param tailUtf8 the JSON frame after its id ({@code ,"from":...}}) in UTF-8, as it goes on the wire: encoded once,
 *        not once per recipient
 * @param room the room it was sent to, or null
 * @param from who sent it (a user, or the API's sender name): a user's own messages are never unread for them
 * @param senderCopy for a direct message between users, the id of the sender's own copy in the sender's stream
 *        (what a receipt names); 0 otherwise
 * @param createdNanos {@link System#nanoTime()} when it was encoded: how long delivered history is kept
 * @param origin the id of the connection that sent it and asked not to be sent it back ({@code echo=false}: its ack
 *        carries the message), or null
 */
public record EncodedMessage(String type, byte[] tailUtf8, String room, String from, long senderCopy,
        long createdNanos, String origin) {

    public static final String MESSAGE = "message", RECEIPT = "receipt";
    private static final byte[] MESSAGE_HEAD = head(MESSAGE), RECEIPT_HEAD = head(RECEIPT);

    public EncodedMessage(String type, String tail, String room, String from, long senderCopy, long createdNanos) {
        this(type, tail.getBytes(StandardCharsets.UTF_8), room, from, senderCopy, createdNanos, null);
    }

    public EncodedMessage(String type, String tail, String room, String from, long senderCopy, long createdNanos,
            String origin) {
        this(type, tail.getBytes(StandardCharsets.UTF_8), room, from, senderCopy, createdNanos, origin);
    }

    /** The JSON frame after its id: {@code ,"from":...}}. */
    public String tail() {
        return new String(tailUtf8, StandardCharsets.UTF_8);
    }

    /** The frame one stream writes, with its own id. */
    public String withId(long id) {
        return new String(frameUtf8(id), StandardCharsets.UTF_8);
    }

    /**
     * The frame one stream writes, with its own id, in UTF-8: what a WebSocket writes per recipient, a copy of the
     * shared bytes with the id in the middle instead of a String to build and encode again for each.
     */
    public byte[] frameUtf8(long id) {
        byte[] head = MESSAGE.equals(type) ? MESSAGE_HEAD : RECEIPT.equals(type) ? RECEIPT_HEAD : head(type);
        int digits = digits(id);
        byte[] frame = new byte[head.length + digits + tailUtf8.length];
        System.arraycopy(head, 0, frame, 0, head.length);
        long rest = id;
        for (int i = head.length + digits - 1; i >= head.length; i--) {
            frame[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
        System.arraycopy(tailUtf8, 0, frame, head.length + digits, tailUtf8.length);
        return frame;
    }

    private static byte[] head(String type) {
        return ("{\"type\":\"" + type + "\",\"id\":").getBytes(StandardCharsets.UTF_8);
    }

    /** Decimal digits of a stream id (ids start at 1). */
    private static int digits(long id) {
        if (id < 0) {
            throw new IllegalArgumentException("stream ids are positive: " + id);
        }
        int n = 1;
        for (long v = id; v >= 10; v /= 10) {
            n++;
        }
        return n;
    }

    public boolean isMessage() {
        return MESSAGE.equals(type);
    }

    /** This direct message as its recipient keeps it: naming the sender's copy, which a receipt will name. */
    public EncodedMessage withSenderCopy(long id) {
        return new EncodedMessage(type, tailUtf8, room, from, id, createdNanos, origin);
    }

    /** This message, not to be written back to the connection {@code connectionId} that sent it. */
    public EncodedMessage withOrigin(String connectionId) {
        return new EncodedMessage(type, tailUtf8, room, from, senderCopy, createdNanos, connectionId);
    }

    /** Whether it is to be written to connection {@code connectionId}: all but the one that asked not to get it. */
    public boolean writtenTo(String connectionId) {
        return origin == null || !origin.equals(connectionId);
    }

    /** Whether the reader's cursor passing this entry earns its sender a receipt: a direct message between users. */
    public boolean wantsReceipt(String reader) {
        return isMessage() && senderCopy > 0 && from != null && !from.equals(reader);
    }
}
