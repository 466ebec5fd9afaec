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
 *
 * <p>With a data directory ({@code store != null}) an appended message becomes visible — to connections, replays
 * and positions — only once the commit that wrote it is done ({@link #committed}, then {@link #pump}): an id a
 * crash could hand out again is never seen.
 */
final class MemoryStream {

    static final long RETIRED = -1;

    private final String user;
    private final ReentrantLock lock = new ReentrantLock();
    private final MessageRing history;
    /** The store when it writes through to a data directory; null in memory only. */
    private final MemoryStreamStore store;
    private long lastId;
    /** With a data directory: the newest id on disk (written by the journal's writer only); else unused. */
    private volatile long committedId;
    /** With a data directory: entries up to here are committed and have been handed to connections. */
    private long liveUpTo;
    /** With a data directory: delivery marks moved since the meta was last queued. */
    private boolean dirty;
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
        this(user, capacity, idBase, null);
    }

    MemoryStream(String user, int capacity, long idBase, MemoryStreamStore store) {
        this.user = user;
        this.history = new MessageRing(capacity, idBase + 1);
        this.lastId = idBase;
        this.deliveredUpTo = idBase;
        this.readUpTo = idBase;
        this.store = store;
        this.committedId = idBase;
        this.liveUpTo = idBase;
    }

    /**
     * A stream read back from a data directory: {@code entries} are its kept messages, consecutive and ending at
     * {@code meta.lastId()} (or none), each with its publication, which this stream now holds.
     */
    static MemoryStream restored(StreamMeta meta, int capacity, long[] ids, EncodedMessage[] messages,
            Publication[] publications, MemoryStreamStore store) {
        long first = ids.length == 0 ? meta.lastId() + 1 : ids[0];
        MemoryStream s = new MemoryStream(meta.user(), capacity, first - 1, store);
        for (int i = 0; i < ids.length; i++) {
            if (s.history.size() == capacity) {
                s.history.oldestPublication().release();
            }
            s.history.add(messages[i], publications[i]);
            publications[i].hold();
        }
        s.lastId = meta.lastId();
        s.committedId = meta.lastId();
        s.liveUpTo = meta.lastId();
        s.deliveredUpTo = Math.max(s.history.oldestId() - 1, Math.min(meta.deliveredUpTo(), meta.lastId()));
        s.readUpTo = Math.min(meta.readUpTo(), meta.lastId());
        s.dropped = meta.dropped();
        return s;
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

    /**
     * With a data directory: numbers and keeps a message written as {@code publication}; it reaches connections
     * once committed.
     *
     * @return its id, or {@link #RETIRED} when this stream was retired meanwhile (the caller retries on the new one)
     */
    long append(EncodedMessage message, Publication publication) {
        lock.lock();
        try {
            if (retired) {
                return RETIRED;
            }
            long id = ++lastId;
            if (history.size() == history.capacity()) {
                history.oldestPublication().release();
                dropped++;
                markDirty();
            }
            history.add(message, publication);
            publication.add(this, id, message);
            return id;
        } finally {
            lock.unlock();
        }
    }

    /** With a data directory: the commit that wrote {@code id} is done. Called by the journal's writer only. */
    void committed(long id) {
        if (id > committedId) {
            committedId = id;
        }
    }

    /** With a data directory: hands the committed entries not handed yet to {@code deliver}, in id order. */
    void pump(Deliverer deliver) {
        lock.lock();
        try {
            long upTo = committedId;
            for (long id = Math.max(liveUpTo + 1, history.oldestId()); id <= upTo; id++) {
                if (deliver.deliver(user, id, history.get(id)) && id > deliveredUpTo) {
                    deliveredUpTo = id;
                    markDirty();
                }
            }
            liveUpTo = Math.max(liveUpTo, upTo);
        } finally {
            lock.unlock();
        }
    }

    /** Writes committed stream entries to a user's connections; true when one took it. */
    @FunctionalInterface
    interface Deliverer {
        boolean deliver(String user, long id, EncodedMessage message);
    }

    /**
     * The newest id anyone may see: the last numbered one, or with a data directory the last one handed to
     * connections (committed, and pumped: a replay that ended at a later committed id would be followed by a pump of
     * the same entries).
     */
    private long visible() {
        return store == null ? lastId : liveUpTo;
    }

    private void markDirty() {
        if (!dirty) {
            dirty = true;
            store.dirty(this);
        }
    }

    /** What the data directory keeps of this stream besides its messages. Call while held. */
    private StreamMeta meta() {
        return new StreamMeta(user, lastId, history.oldestId(), deliveredUpTo, dropped, readUpTo);
    }

    /** Queues the meta if delivery marks moved since it was last queued (the once-a-second flush). */
    void flushMeta() {
        lock.lock();
        try {
            if (dirty && !retired) {
                store.journal().meta(meta());
            }
            dirty = false;
        } finally {
            lock.unlock();
        }
    }

    /** Queues the meta of a new stream (nobody can hold it yet). */
    void created() {
        store.journal().meta(meta());
    }

    /** Drops the oldest kept entry, and with a data directory lets go of its publication. Call while held. */
    private void removeOldest() {
        Publication p = history.oldestPublication();
        history.removeOldest();
        if (p != null) {
            p.release();
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
        return new StreamPosition(visible(), epoch, readUpTo, unread(), dropped);
    }

    /** The newest id a replay may include. Call while ordered. */
    long lastVisibleId() {
        return visible();
    }

    /** Kept messages from others after the read cursor. */
    private int unread() {
        int n = 0;
        for (long id = Math.max(readUpTo + 1, history.oldestId()), upTo = visible(); id <= upTo; id++) {
            EncodedMessage m = history.get(id);
            if (m.isMessage() && !user.equals(m.from())) {
                n++;
            }
        }
        return n;
    }

    /**
     * Moves the read cursor forward to {@code upTo}; returns the kept entries it passed (their senders may be owed a
     * receipt), or null when it did not move. With a data directory the new cursor is queued for the next commit.
     * Call while ordered.
     *
     * @throws InvalidMessage for an id this stream never issued
     */
    List<StreamEntry> read(long upTo) {
        long newest = visible();
        if (upTo > newest) {
            throw new InvalidMessage("invalid_field", "upTo", "'upTo' " + upTo + " is not an id of this stream (newest: "
                    + newest + ")");
        }
        if (upTo <= readUpTo) {
            return null;
        }
        List<StreamEntry> passed = new ArrayList<>();
        for (long id = Math.max(readUpTo + 1, history.oldestId()); id <= upTo; id++) {
            passed.add(new StreamEntry(id, history.get(id)));
        }
        readUpTo = upTo;
        if (store != null) {
            store.journal().meta(meta());
        }
        return passed;
    }

    /**
     * The kept entries after {@code since}, or the undelivered mailbox when {@code since} is null; marks them
     * delivered, as the caller is about to write them to a connection. Call while ordered.
     */
    Replay replayFor(Long since, String epoch) {
        since = since == null ? null : resolve(since);
        long upTo = visible();
        Replay replay = since != null ? readAfter(since, upTo, epoch)
                : readAfter(deliveredUpTo, upTo, epoch).withoutGap(); // a full mailbox is counted in dropped
        if (upTo > deliveredUpTo) {
            deliveredUpTo = upTo;
            if (store != null) {
                markDirty();
            }
        }
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
        boolean beyond = since > visible();
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
            int old = 0;
            for (long id = history.oldestId(); id < history.oldestId() + history.size(); id++) {
                boolean delivered = id <= deliveredUpTo;
                if (now - history.get(id).createdNanos() <= (delivered ? deliveredNanos : undeliveredNanos)) {
                    break;
                }
                old++;
                expired += delivered ? 0 : 1;
            }
            if (old > 0 && store != null) {
                // On disk first: the ids stay handed out even when none of their messages is kept any more.
                store.journal().meta(new StreamMeta(user, lastId, history.oldestId() + old, deliveredUpTo, dropped, readUpTo));
            }
            for (int i = 0; i < old; i++) {
                removeOldest();
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
            if (store != null) {
                store.journal().forget(user);
                while (!history.isEmpty()) {
                    removeOldest();
                }
            }
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
            if (retired && store != null) {
                store.journal().forget(user);
            }
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
