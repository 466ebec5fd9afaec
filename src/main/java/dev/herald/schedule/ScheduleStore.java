package dev.herald.schedule;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Where scheduled messages live, with every state transition inside: a message is added pending, claimed when
 * due (pending → firing), then completed (delivered, or pending again at its next occurrence), failed, or
 * cancelled while still pending. {@link #claimDue} is atomic in every implementation: when several timers (or, on
 * Redis, several nodes) claim at once, each message goes to exactly one of them, so it is fired once; and a cancel
 * either wins before the claim or loses to it.
 */
public interface ScheduleStore {

    /** A message's place in the order of creation. */
    record Created(Instant at, String id) {
        static final Comparator<Created> ORDER = Comparator.comparing(Created::at).thenComparing(Created::id);

        public static Created of(ScheduledMessage m) {
            return new Created(m.createdAt(), m.id());
        }
    }

    /**
     * Stores a new pending message.
     *
     * @throws StoreFull when the store already holds its maximum of pending messages
     */
    ScheduledMessage add(ScheduledMessage pending);

    /** Keeps a message that was delivered at once (never pending) for reading back. */
    void addDelivered(ScheduledMessage delivered);

    /** Claims, in time order, up to {@code max} pending messages due at {@code now}: each becomes firing. */
    List<ScheduledMessage> claimDue(Instant now, int max);

    /** Claims one pending message at once (a time already past): it becomes firing; empty if it is not pending. */
    Optional<ScheduledMessage> claim(String id);

    /**
     * A claimed message was delivered at {@code at} to {@code recipients} users: it is finished, or pending again
     * at {@code next} when it recurs.
     */
    ScheduledMessage fired(String id, Instant at, int recipients, Instant next);

    /** A claimed message could not be delivered. */
    ScheduledMessage failed(String id, String error);

    /** Cancels a pending message; a message being fired is waited for (a recurring one becomes pending again). */
    CancelOutcome cancel(String id);

    Optional<ScheduledMessage> get(String id);

    /**
     * Up to {@code max} messages that pass {@code filter}, in order of creation (the stable order the API pages
     * through), starting right after {@code after} (from the start when null).
     */
    List<ScheduledMessage> page(Predicate<ScheduledMessage> filter, Created after, int max);

    /** When the earliest pending message is due, or null when none is pending. */
    Instant nextDue();

    int pendingCount();
}
