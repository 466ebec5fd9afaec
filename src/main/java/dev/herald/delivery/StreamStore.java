package dev.herald.delivery;

import java.util.concurrent.CompletionStage;

/**
 * What is stored and numbered: one stream per user, each message with the next id of that stream, the newest
 * ones kept for offline delivery and resume. The memory store keeps streams in this process; a data directory
 * writes them through to disk; on Redis they live in Redis so that every node sees the same ids.
 */
public interface StreamStore {

    /** A {@code since} that means "after the user's read cursor" ({@code ?since=read}). */
    long SINCE_READ = dev.herald.protocol.ClientFrame.SINCE_READ;

    /** The user's newest id (a stream nobody has written to yet has a position too). */
    CompletionStage<StreamPosition> position(String user);

    /**
     * The kept entries after {@code since}; {@link Replay#gap()} when {@code since} is older than what is kept or
     * lies beyond the stream (another epoch).
     */
    CompletionStage<Replay> readAfter(String user, long since);

    /** Forgets what has outlived its retention; called every {@code herald.delivery.sweep-every}. */
    void sweep();
}
