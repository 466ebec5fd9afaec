package dev.herald.schedule;

import java.util.function.Consumer;

/**
 * Where {@link MemoryScheduleStore} writes its messages through when Herald has a data directory: the store stays
 * the working set (every read is served from memory), the journal keeps each message's latest state on disk. A
 * claim (pending → firing) is not written: a message that was firing when Herald died is pending on disk, unless the
 * commit that delivered it also wrote its new state (the fire runs {@code Durability.atomically}).
 */
public interface ScheduleJournal {

    /** Every message kept on disk, as it was at the last commit. */
    void restore(Consumer<ScheduledMessage> messages);

    /** Queues a message's new state; of two states queued out of order the later transition wins. */
    void write(ScheduledMessage message);

    /** Queues the removal of a finished message the store no longer keeps. */
    void forget(ScheduledMessage message);
}
