package dev.herald.protocol;

/**
 * Which server frames are entries of the user's stream, and their id: an event stream names each such frame's id,
 * so that a browser's reconnect sends it back as {@code Last-Event-ID}. Stream frames are written type first and id
 * second (see {@link EncodedMessage}), so the id is read without parsing the frame.
 */
public final class StreamIds {

    private static final String[] STREAM_TYPES = { "{\"type\":\"message\",\"id\":", "{\"type\":\"receipt\",\"id\":" };

    private StreamIds() {
    }

    /** The stream id of a {@code message} or {@code receipt} frame, or -1 for any other frame. */
    public static long of(String frame) {
        for (String prefix : STREAM_TYPES) {
            if (frame.startsWith(prefix)) {
                long id = 0;
                int digits = 0;
                for (int i = prefix.length(); i < frame.length() && digits < 18; i++, digits++) {
                    char ch = frame.charAt(i);
                    if (ch < '0' || ch > '9') {
                        break;
                    }
                    id = id * 10 + (ch - '0');
                }
                return digits == 0 ? -1 : id;
            }
        }
        return -1;
    }
}
