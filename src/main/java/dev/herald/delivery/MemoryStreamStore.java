package dev.herald.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongPredicate;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.EncodedMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;

/**
 * Users' streams in this process's memory. A new stream numbers its messages from the time in microseconds, so
 * ids keep increasing across a restart and after an idle user's stream was forgotten; the epoch changes with every
 * start, since nothing survives one. Bounded: each stream keeps its mailbox size, undelivered mail is kept for
 * {@code herald.delivery.mailbox-retention}, and at most {@code herald.delivery.max-offline-users} offline users'
 * streams are kept (the one offline longest is evicted first).
 *
 * <p>With a data directory ({@link StreamJournal}) the streams are read back at start and written through: the
 * epoch is the directory's, and a message reaches connections once the commit that wrote it is done.
 */
@Singleton // called per message: no client proxy in front of it
@Typed(MemoryStreamStore.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryStreamStore implements StreamStore {

    /** An offline stream's place in the eviction order; stale once the stream came online again or is gone. */
    private record OfflineSince(MemoryStream stream, int episode) {
    }

    private final Map<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final String epoch;
    /** Where streams are written through; null in memory only. */
    private final StreamJournal journal;
    /** With a data directory: streams whose delivery marks moved since their meta was last queued. */
    private final Set<MemoryStream> dirty = ConcurrentHashMap.newKeySet();
    /** With a data directory: how committed entries reach connections (the broker's hub). */
    private volatile MemoryStream.Deliverer deliverer = (user, id, message) -> false;
    /** Streams with a connection attached: the rest are offline users' mailboxes. */
    private final AtomicInteger online = new AtomicInteger();
    /** Offline streams in the order they went offline (or were created for an offline user). */
    private final Queue<OfflineSince> offlineOrder = new ConcurrentLinkedQueue<>();
    /** One evicting thread at a time, so concurrent arrivals do not evict more than the overflow. */
    private final ReentrantLock evicting = new ReentrantLock();
    private final Counter evicted;
    private final Counter expired;
    private final DeliveryConfig config;
    private final Clock clock;

    MemoryStreamStore(DeliveryConfig config, Clock clock, HeraldMetrics metrics) {
        this(config, clock, metrics, Optional.empty());
    }

    @Inject
    MemoryStreamStore(DeliveryConfig config, Clock clock, HeraldMetrics metrics, Optional<StreamJournal> journal) {
        this.config = config;
        this.clock = clock;
        this.journal = journal.orElse(null);
        this.epoch = this.journal != null ? this.journal.epoch() : UUID.randomUUID().toString().substring(0, 8);
        FunctionCounter.builder("herald.mailbox.dropped", this, MemoryStreamStore::totalDropped)
                .description("Messages dropped from full mailboxes, oldest first").register(metrics.registry());
        evicted = Counter.builder("herald.mailbox.evicted")
                .description("Offline users' streams evicted, oldest first, past herald.delivery.max-offline-users")
                .register(metrics.registry());
        expired = Counter.builder("herald.mailbox.expired")
                .description("Undelivered messages discarded after herald.delivery.mailbox-retention")
                .register(metrics.registry());
        if (this.journal != null) {
            restore();
            this.journal.everySecond(this::flushMeta);
        }
    }

    /** Reads the streams back from the data directory: each one as it was at the last commit. */
    private void restore() {
        record Kept(long id, Publication publication) {
        }
        Map<String, StreamMeta> metas = new HashMap<>();
        Map<String, List<Kept>> kept = new HashMap<>();
        List<Publication> publications = new ArrayList<>();
        journal.restore(meta -> metas.put(meta.user(), meta), p -> {
            publications.add(p);
            for (int i = 0; i < p.size(); i++) {
                StreamMeta meta = metas.get(p.user(i));
                if (meta != null && p.id(i) >= meta.firstId()) { // older ones were trimmed before the stop
                    kept.computeIfAbsent(p.user(i), u -> new ArrayList<>()).add(new Kept(p.id(i), p));
                }
            }
        });
        List<MemoryStream> restored = new ArrayList<>();
        for (StreamMeta meta : metas.values()) {
            List<Kept> entries = kept.getOrDefault(meta.user(), List.of());
            entries.sort(Comparator.comparingLong(Kept::id));
            long newest = entries.isEmpty() ? Long.MIN_VALUE : entries.get(entries.size() - 1).id();
            long lastId = Math.max(meta.lastId(), newest);
            // The kept entries run without a hole up to the newest id; anything else is what was dropped meanwhile.
            int from = entries.size();
            if (newest == lastId) {
                from--;
                while (from > 0 && entries.get(from - 1).id() == entries.get(from).id() - 1) {
                    from--;
                }
                from = Math.max(from, entries.size() - config.mailboxSize());
            }
            int n = entries.size() - from;
            long[] ids = new long[n];
            EncodedMessage[] messages = new EncodedMessage[n];
            Publication[] held = new Publication[n];
            for (int i = 0; i < n; i++) {
                Kept k = entries.get(from + i);
                ids[i] = k.id();
                messages[i] = k.publication().entryOf(meta.user());
                held[i] = k.publication();
            }
            StreamMeta at = new StreamMeta(meta.user(), lastId, meta.firstId(), meta.deliveredUpTo(), meta.dropped(),
                    meta.readUpTo());
            MemoryStream stream = MemoryStream.restored(at, config.mailboxSize(), ids, messages, held, this);
            streams.put(meta.user(), stream);
            restored.add(stream);
        }
        // Nobody is connected yet: all are offline, the longest idle (the oldest newest id) first in line for eviction.
        restored.sort(Comparator.comparingLong(s -> s.position(epoch).lastId()));
        for (MemoryStream s : restored) {
            offlineOrder.add(new OfflineSince(s, 0));
        }
        for (Publication p : publications) {
            p.release(); // what no stream took is removed from disk
        }
        evictOverflow();
    }

    StreamJournal journal() {
        return journal;
    }

    /** Whether streams are written through to a data directory. */
    boolean journaled() {
        return journal != null;
    }

    /** With a data directory: how committed entries reach the user's connections. */
    void deliverCommittedWith(MemoryStream.Deliverer deliverer) {
        this.deliverer = deliverer;
    }

    /** With a data directory: the stream's committed entries go to its connections (after each commit). */
    void pump(MemoryStream stream) {
        stream.pump(deliverer);
    }

    /** With a data directory: the stream's delivery marks moved; its meta is queued within a second. */
    void dirty(MemoryStream stream) {
        dirty.add(stream);
    }

    private void flushMeta() {
        for (MemoryStream s : dirty) {
            dirty.remove(s);
            s.flushMeta();
        }
    }

    /**
     * With a data directory: runs {@code appends} (which append to streams with the publication it is given) so that
     * the publication is written whole, and queued before any of its entries exists.
     */
    <T> T durably(EncodedMessage message, int recipients, Function<Publication, T> appends) {
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        java.util.concurrent.Executor deliverOn = context == null ? null : task -> context.runOnContext(v -> task.run());
        return journal.atomically(() -> {
            Publication p = new Publication(this, deliverOn, message, clock.millis(), recipients);
            journal.publish(p);
            try {
                return appends.apply(p);
            } finally {
                p.release(); // the publisher's own hold
            }
        });
    }

    private MemoryStream stream(String user) {
        return streams.computeIfAbsent(user, this::newStream);
    }

    private MemoryStream newStream(String user) {
        if (journal == null) {
            return new MemoryStream(user, config.mailboxSize(), clock.millis() * 1000);
        }
        MemoryStream s = new MemoryStream(user, config.mailboxSize(), clock.millis() * 1000, this);
        s.created();
        return s;
    }

    /**
     * Appends to the user's stream (following it if it was retired meanwhile); {@code deliver} runs before any
     * later message of the stream is numbered and says whether a connection took the message.
     */
    long append(String user, EncodedMessage message, LongPredicate deliver) {
        return append(user, message, deliver, null);
    }

    /** With a data directory: appends as part of {@code publication}; it reaches connections once committed. */
    long append(String user, EncodedMessage message, Publication publication) {
        return append(user, message, null, publication);
    }

    private long append(String user, EncodedMessage message, LongPredicate deliver, Publication publication) {
        while (true) {
            MemoryStream existing = streams.get(user);
            MemoryStream stream = existing != null ? existing : stream(user);
            long id = publication == null ? stream.append(message, deliver) : stream.append(message, publication);
            if (id != MemoryStream.RETIRED) {
                if (existing == null) {
                    offlineOrder.add(new OfflineSince(stream, 0)); // a new mailbox (stale if a connect made it)
                    evictOverflow();
                }
                return id;
            }
        }
    }

    /** Runs {@code action} on the user's stream while none of its messages can be numbered. */
    <T> T ordered(String user, Function<MemoryStream, T> action) {
        while (true) {
            MemoryStream stream = stream(user);
            if (stream.lockUnlessRetired()) {
                try {
                    return action.apply(stream);
                } finally {
                    stream.unlock();
                }
            }
        }
    }

    /** A connection attached to the stream; call while ordered. */
    void attached(MemoryStream stream) {
        if (stream.attached()) {
            online.incrementAndGet();
        }
    }

    /** A connection left the stream; the last one puts the stream in the eviction order. */
    void detached(MemoryStream stream) {
        int episode = stream.detached();
        if (episode > 0) {
            online.decrementAndGet();
            // Evicted by the next new mailbox or sweep, not here: this may run while another stream is held.
            offlineOrder.add(new OfflineSince(stream, episode));
        }
    }

    /** Evicts the streams offline the longest while more than {@code max-offline-users} are kept. */
    private void evictOverflow() {
        if (streams.size() - online.get() <= config.maxOfflineUsers() || !evicting.tryLock()) {
            return;
        }
        try {
            while (streams.size() - online.get() > config.maxOfflineUsers()) {
                OfflineSince oldest = offlineOrder.poll();
                if (oldest == null) {
                    return;
                }
                MemoryStream s = oldest.stream();
                boolean[] gone = new boolean[1];
                // Retired under the map's lock for that user, as the sweep does: a connect racing it gets a new stream.
                streams.computeIfPresent(s.user(), (u, current) -> {
                    gone[0] = current == s && s.evictIfOfflineSince(oldest.episode());
                    return gone[0] ? null : current;
                });
                if (gone[0]) {
                    evicted.increment();
                }
            }
        } finally {
            evicting.unlock();
        }
    }

    /** The lifetime of this storage: a restart of an in-memory store is a new epoch. */
    public String epoch() {
        return epoch;
    }

    @Override
    public CompletionStage<StreamPosition> position(String user) {
        MemoryStream stream = streams.get(user);
        long now = clock.millis() * 1000;
        return CompletableFuture.completedFuture(stream == null ? new StreamPosition(now, epoch, now, 0, 0)
                : ordered(user, s -> s.position(epoch)));
    }

    @Override
    public CompletionStage<Replay> readAfter(String user, long since) {
        return CompletableFuture.completedFuture(ordered(user, s -> s.readAfter(since, s.lastVisibleId(), epoch)));
    }

    /** Messages the user's full mailbox pushed out so far. */
    public long dropped(String user) {
        MemoryStream s = streams.get(user);
        return s == null ? 0 : s.dropped();
    }

    public long totalDropped() {
        long total = 0;
        for (MemoryStream s : streams.values()) {
            total += s.dropped();
        }
        return total;
    }

    /**
     * Trims old history (delivered after history-retention, undelivered after mailbox-retention), forgets the
     * streams of users who are offline with nothing kept, and evicts past max-offline-users.
     */
    @Override
    public void sweep() {
        long now = System.nanoTime();
        long delivered = config.historyRetention().toNanos(), undelivered = config.mailboxRetention().toNanos();
        for (MemoryStream s : streams.values()) {
            expired.increment(s.trim(now, delivered, undelivered));
            streams.computeIfPresent(s.user(), (u, current) -> current == s && s.retireIfIdle() ? null : current);
        }
        offlineOrder.removeIf(e -> !e.stream().offlineSince(e.episode()) || streams.get(e.stream().user()) != e.stream());
        evictOverflow();
    }
}
