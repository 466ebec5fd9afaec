package dev.herald.delivery;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongPredicate;

import jakarta.inject.Singleton;

import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.EncodedMessage;
import io.micrometer.core.instrument.FunctionCounter;
import io.quarkus.scheduler.Scheduled;

/**
 * Users' streams in this process's memory. A new stream numbers its messages from the time in microseconds, so
 * ids keep increasing across a restart and after an idle user's stream was forgotten; the epoch changes with every
 * start, since nothing survives one.
 */
@Singleton // called per message: no client proxy in front of it
public class MemoryStreamStore implements StreamStore {

    private final Map<String, MemoryStream> streams = new ConcurrentHashMap<>();
    private final String epoch = UUID.randomUUID().toString().substring(0, 8);
    private final int mailboxSize;
    private final long retentionNanos;
    private final Clock clock;

    MemoryStreamStore(DeliveryConfig config, Clock clock, HeraldMetrics metrics) {
        this.mailboxSize = config.mailboxSize();
        this.retentionNanos = config.historyRetention().toNanos();
        this.clock = clock;
        FunctionCounter.builder("herald.mailbox.dropped", this, MemoryStreamStore::totalDropped)
                .description("Messages dropped from full mailboxes, oldest first").register(metrics.registry());
    }

    private MemoryStream stream(String user) {
        return streams.computeIfAbsent(user, u -> new MemoryStream(u, mailboxSize, clock.millis() * 1000));
    }

    /**
     * Appends to the user's stream (following it if it was retired meanwhile); {@code deliver} runs before any
     * later message of the stream is numbered and says whether a connection took the message.
     */
    long append(String user, EncodedMessage message, LongPredicate deliver) {
        while (true) {
            long id = stream(user).append(message, deliver);
            if (id != MemoryStream.RETIRED) {
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

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public CompletionStage<StreamPosition> position(String user) {
        MemoryStream stream = streams.get(user);
        return CompletableFuture.completedFuture(stream == null ? new StreamPosition(clock.millis() * 1000, epoch)
                : ordered(user, s -> s.position(epoch)));
    }

    @Override
    public CompletionStage<Replay> readAfter(String user, long since) {
        return CompletableFuture.completedFuture(ordered(user, s -> s.readAfter(since, s.position(epoch).lastId(), epoch)));
    }

    @Override
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

    /** Trims old delivered history and forgets the streams of users who are offline with nothing kept. */
    @Scheduled(every = "${herald.delivery.sweep-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        long now = System.nanoTime();
        for (MemoryStream s : streams.values()) {
            s.trimDelivered(now, retentionNanos);
            streams.computeIfPresent(s.user(), (u, current) -> current == s && s.retireIfIdle() ? null : current);
        }
    }
}
