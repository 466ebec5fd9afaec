package dev.herald.delivery;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * The ordered stream of one user: gives each message the next id, keeps the newest ones for offline delivery
 * and resume, and writes them to the user's open connections. A per-user lock keeps ids, history and socket
 * writes in one order; there is no lock shared between users.
 */
final class UserStream {

    private final String user;
    private final ReentrantLock lock = new ReentrantLock();
    private final MessageRing history;
    private final List<Subscriber> connections = new CopyOnWriteArrayList<>();
    private long lastId;
    /** Entries up to this id have reached at least one connection; later ones wait in the mailbox. */
    private long deliveredUpTo;
    private long dropped;
    private boolean retired;
    /** How many times the stream went offline: tells a current place in the eviction order from a stale one. */
    private int offlineEpisode;

    static final long RETIRED = -1;

    UserStream(String user, int capacity, long idBase) {
        this.user = user;
        this.history = new MessageRing(capacity, idBase + 1);
        this.lastId = idBase;
        this.deliveredUpTo = idBase;
    }

    String user() {
        return user;
    }

    List<Subscriber> connections() {
        return connections;
    }

    boolean online() {
        return !connections.isEmpty();
    }

    /**
     * Appends a message and writes it to the connections that should see it; returns its id in this stream, or
     * {@link #RETIRED} when this stream was retired meanwhile (the caller gets the user's new stream and retries).
     */
    long append(EncodedMessage message) {
        lock.lock();
        try {
            if (retired) {
                return RETIRED;
            }
            long id = ++lastId;
            if (history.add(message)) {
                dropped++;
            }
            String frame = null; // built only if a connection takes it: the history keeps the shared message
            for (Subscriber s : connections) {
                if (s.receives(message)) {
                    if (frame == null) {
                        frame = message.withId(id);
                    }
                    s.outbound().send(frame);
                }
            }
            if (!connections.isEmpty()) {
                deliveredUpTo = id;
            }
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds a connection. {@code greeting} is written first (it sees the stream's last id), then the entries after
     * {@code since}, or the undelivered mailbox when {@code since} is null, then live traffic.
     *
     * @return how many entries were replayed, or {@link #RETIRED}
     */
    int attach(Subscriber subscriber, Long since, LongFunction<String> greeting) {
        lock.lock();
        try {
            if (retired) {
                return (int) RETIRED;
            }
            subscriber.stream = this;
            subscriber.outbound().send(greeting.apply(lastId));
            long from = since != null ? since : deliveredUpTo;
            int replayed = replay(subscriber, from, lastId);
            subscriber.coveredAfter = Math.min(from, lastId);
            deliveredUpTo = lastId;
            connections.add(subscriber);
            return replayed;
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

    /** Retires the stream if it holds nothing and nobody is connected; a retired stream takes no more messages. */
    boolean retireIfIdle() {
        lock.lock();
        try {
            retired = connections.isEmpty() && history.isEmpty();
            return retired;
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
            return !retired && connections.isEmpty() && offlineEpisode == episode;
        } finally {
            lock.unlock();
        }
    }

    /** Called under the lock when the last connection left; returns the new offline episode. */
    int wentOffline() {
        return ++offlineEpisode;
    }

    void detach(Subscriber subscriber) {
        lock.lock();
        try {
            connections.remove(subscriber);
        } finally {
            lock.unlock();
        }
    }

    /** Replays to one connection what it has not been sent since {@code since}; returns how many. */
    int resume(Subscriber subscriber, long since) {
        lock.lock();
        try {
            if (since >= subscriber.coveredAfter) {
                return 0;
            }
            int n = replay(subscriber, since, subscriber.coveredAfter);
            subscriber.coveredAfter = since;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code action} while no message can be appended, so it is ordered with the stream. */
    void whileLocked(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    private int replay(Subscriber subscriber, long afterId, long upToId) {
        if (afterId >= upToId) {
            return 0; // also keeps afterId + 1 below from overflowing for a since of Long.MAX_VALUE
        }
        int n = 0;
        for (long id = Math.max(afterId + 1, history.oldestId()); id <= upToId; id++) {
            subscriber.outbound().send(history.get(id).withId(id));
            n++;
        }
        return n;
    }

    /** Messages dropped from this user's mailbox because it was full. */
    long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }
}
