package dev.herald.desk;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where {@link MemoryDeskStore} writes the desk through when Herald has a data directory: memory stays the working
 * set, the journal keeps each conversation's latest state, every history entry and the known agents on disk. Called
 * under the store's lock, so changes are queued in the order they happened. Who is at the desk is not kept: it
 * follows presence, which clients rebuild by reconnecting.
 */
public interface DeskJournal {

    /** Everything kept on disk, as it was at the last commit: conversations, then entries (in order), then agents. */
    void restore(Consumer<Conversation> conversations, BiConsumer<String, Entry> entries, Consumer<String> agents);

    /** Queues a conversation's new state. */
    void conversation(Conversation c);

    /** Queues a new history entry; {@code dropped} is the seq of an entry that no longer fits (0: none). */
    void entry(String conversation, Entry e, long dropped);

    /** Queues the removal of a conversation the store no longer keeps, with its history. */
    void forget(String conversation);

    /** Queues a newly known agent. */
    void agent(String agent);
}
