package dev.herald.connection;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A transport that writes without waiting for the write to finish and counts what the socket has not taken yet, in
 * frames and in bytes: a client that stops reading passes a bound and is closed, so it cannot make the server hold
 * unbounded memory (the byte bound holds when frames are large, the frame bound when they are many and small).
 */
public abstract class BacklogBoundedTransport implements Transport {

    private final int maxFrames;
    private final long maxBytes;
    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    protected BacklogBoundedTransport(int maxFrames, long maxBytes) {
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Counts a write of {@code size} bytes; false, counting nothing, when it would pass either bound. */
    protected final boolean admit(int size) {
        boolean full = frames.incrementAndGet() > maxFrames;
        full |= bytes.addAndGet(size) > maxBytes;
        if (full) {
            taken(size); // not written after all
        }
        return !full;
    }

    /** The socket took (or failed) a write of {@code size} bytes. */
    protected final void taken(int size) {
        frames.decrementAndGet();
        bytes.addAndGet(-size);
    }

    /** The bounds, for the slow-consumer log line. */
    protected final String bounds() {
        return "more than " + maxFrames + " frames or " + maxBytes + " bytes unread";
    }
}
