package dev.herald.delivery;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where {@link MemoryStreamStore} writes its streams through when Herald has a data directory: the streams stay in
 * memory (every read is served from there), the journal keeps them on disk so a restart or a kill finds them
 * again. Writes are queued and group-committed in the order they are made; a {@link Publication}'s entries reach
 * connections only once the commit that wrote it is done, so no id is ever seen that a crash could hand out again.
 */
public interface StreamJournal {

    /** The lifetime of the directory: the same across restarts, new with a new directory. */
    String epoch();

    /** What was on disk at start: every stream's {@link StreamMeta}, then every publication, in the order written. */
    void restore(Consumer<StreamMeta> streams, Consumer<Publication> publications);

    /** Runs a publish so that the commit never cuts through it (its publication is complete when written). */
    <T> T atomically(Supplier<T> writes);

    /** Queues a new publication: written at the next commit, then {@link Publication#committed()} runs. */
    void publish(Publication publication);

    /** Queues the removal of a publication nothing keeps any more. */
    void remove(Publication publication);

    /** Queues a stream's meta (created, trimmed, delivery marks moved). */
    void meta(StreamMeta meta);

    /** Queues the removal of a stream that was forgotten or evicted, with its meta. */
    void forget(String user);

    /** Runs {@code flush} about once a second on the writer, to queue delivery marks that moved meanwhile. */
    void everySecond(Runnable flush);
}
