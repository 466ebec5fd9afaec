package dev.herald.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

import dev.herald.protocol.EncodedMessage;

/**
 * One user's stream in memory: gives each message the next id and keeps the newest ones. Its lock also orders
 * local fan-out: {@link #append} hands the new id to the deliverer before the next message can be numbered, so
 * every connection sees the stream in id order. There is no lock shared between users.
 */
final class MemoryStream {

    static final long RETIRED = -1;

    private final String user;
    private final ReentrantLock lock = new ReentrantLock();
    private final MessageRing history;
    private long lastId;
    /** Entries up to this id have reached at least one connection; later ones wait in the mailbox. */
    private long deliveredUpTo;
    /** The user's read cursor: every tab and device has seen up to this id. */
    private long readUpTo;
    private long dropped;
    /** Connections of the user attached: an online user's stream is never retired nor evicted. */
    private int attached;
    private boolean retired;
    /** How many times the stream went offline: tells a current place in the eviction order from a stale one. */
    private int offlineEpisode;

    MemoryStream(String user, int capacity, long idBase) {
        this.user = user;
        this.history = new MessageRing(capacity, idBase + 1);
        this.lastId = idBase;
        this.deliveredUpTo = idBase;
        this.readUpTo = idBase;
    }

    String user() {
        return user;
    }

    /**
     * Numbers and keeps a message; {@code deliver} writes it to the user's connections (true when one took it)
     * while no later message can be numbered.
     *
     * @return its id, or {@link #RETIRED} when this stream was retired meanwhile (the caller retries on the new one)
     */
    long append(EncodedMessage message, LongPredicate deliver) {
        lock.lock();
        try {
            if (retired) {
                return RETIRED;
            }
            long id = ++lastId;
            if (history.add(message)) {
                dropped++;
            }
            if (deliver.test(id)) {
                deliveredUpTo = id;
            }
            return id;
        } finally {
            lock.unlock();
        }
    }

    /** Holds back the numbering of messages until {@link #unlock()}; false (and not locked) once retired. */
    boolean lockUnlessRetired() {
        lock.lock();
        if (retired) {
            lock.unlock();
            return false;
        }
        return true;
    }

    void unlock() {
        lock.unlock();
    }

    /** Call while ordered. */
    StreamPosition position(String epoch) {
        return new StreamPosition(lastId, epoch, readUpTo, unread(), dropped);
    }

    /** Kept messages from others after the read cursor. */
    private int unread() {
        int n = 0;
        for (long id = Math.max(readUpTo + 1, history.oldestId()); id <= lastId; id++) {
            EncodedMessage m = history.get(id);
            if (m.isMessage() && !user.equals(m.from())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Moves the read cursor forward to {@code upTo}; returns the kept entries it passed (their senders may be owed a
     * receipt), or null when it did not move. Call while ordered.
     *
     * @throws InvalidMessage for an id this stream never issued
     */
    List<StreamEntry> read(long upTo) {
        if (upTo > lastId) {
            throw new InvalidMessage("invalid_field", "upTo", "'upTo' " + upTo + " is not an id of this stream (newest: "
                    + lastId + ")");
        }
        if (upTo <= readUpTo) {
            return null;
        }
        List<StreamEntry> passed = new ArrayList<>();
        for (long id = Math.max(readUpTo + 1, history.oldestId()); id <= upTo; id++) {
            passed.add(new StreamEntry(id, history.get(id)));
        }
        readUpTo = upTo;
        return passed;
    }

    /**
     * The kept entries after {@code since}, or the undelivered mailbox when {@code since} is null; marks them
     * delivered, as the caller is about to write them to a connection. Call while ordered.
     */
    Replay replayFor(Long since, String epoch) {
        since = since == null ? null : resolve(since);
        Replay replay = since != null ? readAfter(since, lastId, epoch)
                : readAfter(deliveredUpTo, lastId, epoch).withoutGap(); // a full mailbox is counted in dropped
        deliveredUpTo = lastId;
        return replay;
    }

    /** The id a {@code since} stands for: the read cursor for {@link StreamStore#SINCE_READ}. Call while ordered. */
    long resolve(long since) {
        return since == StreamStore.SINCE_READ ? readUpTo : since;
    }

    /** A connection of the user attached; true when it is the first. Call while ordered. */
    boolean attached() {
        return attached++ == 0;
    }

    /** Entries in (since, upTo]; gap when since lies before what is kept or beyond the stream. Call while ordered. */
    Replay readAfter(long since, long upTo, String epoch) {
        boolean beyond = since > lastId;
        boolean older = since < history.oldestId() - 1;
        List<StreamEntry> entries = new ArrayList<>();
        for (long id = beyond ? history.oldestId() : Math.max(since + 1, history.oldestId()); id <= upTo; id++) {
            entries.add(new StreamEntry(id, history.get(id)));
        }
        return new Replay(position(epoch), entries, beyond || older);
    }

    /** A connection left; returns the new offline episode when it was the last one, else -1. */
    int detached() {
        lock.lock();
        try {
            return --attached == 0 ? ++offlineEpisode : -1;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Forgets delivered entries older than {@code deliveredNanos} (they were only kept for a resume after a short
     * drop) and entries still waiting for an offline user older than {@code undeliveredNanos}.
     *
     * @return how many undelivered entries were forgotten
     */
    int trim(long now, long deliveredNanos, long undeliveredNanos) {
        lock.lock();
        try {
            int expired = 0;
            while (!history.isEmpty()) {
                boolean delivered = history.oldestId() <= deliveredUpTo;
                if (now - history.oldest().createdNanos() <= (delivered ? deliveredNanos : undeliveredNanos)) {
                    return expired;
                }
                history.removeOldest();
                expired += delivered ? 0 : 1;
            }
            return expired;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the stream with whatever it holds if it has been offline since {@code episode} began (otherwise its
     * place in the eviction order is stale: it came online since).
     */
    boolean evictIfOfflineSince(int episode) {
        lock.lock();
        try {
            if (!offlineSince(episode)) {
                return false;
            }
            retired = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the stream has been offline since {@code episode} began and is still kept. */
    boolean offlineSince(int episode) {
        lock.lock();
        try {
            return !retired && attached == 0 && offlineEpisode == episode;
        } finally {
            lock.unlock();
        }
    }

    /** Retires the stream if it holds nothing and nobody is attached; a retired stream takes no more messages. */
    boolean retireIfIdle() {
        lock.lock();
        try {
            retired = attached == 0 && history.isEmpty();
            return retired;
        } finally {
            lock.unlock();
        }
    }

    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
