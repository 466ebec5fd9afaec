package dev.herald.delivery;

import java.time.Clock;
import java.util.Map;
import java.util.Queue;
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
 */
@Singleton // called per message: no client proxy in front of it
@Typed(MemoryStreamStore.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryStreamStore implements StreamStore {

    /** An offline stream's place in the eviction order; stale once the stream came online again or is gone. */
    private record OfflineSince(MemoryStream stream, int episode) {
    }

    private final Map<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final String epoch = UUID.randomUUID().toString().substring(0, 8);
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
        this.config = config;
        this.clock = clock;
        FunctionCounter.builder("herald.mailbox.dropped", this, MemoryStreamStore::totalDropped)
                .description("Messages dropped from full mailboxes, oldest first").register(metrics.registry());
        evicted = Counter.builder("herald.mailbox.evicted")
                .description("Offline users' streams evicted, oldest first, past herald.delivery.max-offline-users")
                .register(metrics.registry());
        expired = Counter.builder("herald.mailbox.expired")
                .description("Undelivered messages discarded after herald.delivery.mailbox-retention")
                .register(metrics.registry());
    }

    private MemoryStream stream(String user) {
        return streams.computeIfAbsent(user, this::newStream);
    }

    private MemoryStream newStream(String user) {
        return new MemoryStream(user, config.mailboxSize(), clock.millis() * 1000);
    }

    /**
     * Appends to the user's stream (following it if it was retired meanwhile); {@code deliver} runs before any
     * later message of the stream is numbered and says whether a connection took the message.
     */
    long append(String user, EncodedMessage message, LongPredicate deliver) {
        while (true) {
            MemoryStream existing = streams.get(user);
            MemoryStream stream = existing != null ? existing : stream(user);
            long id = stream.append(message, deliver);
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
        return CompletableFuture.completedFuture(ordered(user, s -> s.readAfter(since, s.position(epoch).lastId(), epoch)));
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
