package dev.herald.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The in-memory store of messages: every message by id, and the pending ones in a time-ordered index so that
 * finding what is due looks only at what is due. Bounded: {@link ScheduleConfig#maxPending()} pending
 * messages, and {@link ScheduleConfig#retainFinished()} finished ones kept for reading back.
 */
@ApplicationScoped
public class ScheduleStore {

    /** A pending message's place in the time index; {@code seq} keeps equal times apart and in order. */
    record Due(Instant at, long seq, ScheduledMessage message) {
        static final Comparator<Due> ORDER = Comparator.comparing(Due::at).thenComparingLong(Due::seq);
    }

    /** A message's place in the order of creation, the stable order GET /api/messages pages through. */
    public record Created(Instant at, String id) {
        static final Comparator<Created> ORDER = Comparator.comparing(Created::at).thenComparing(Created::id);

        public static Created of(ScheduledMessage m) {
            return new Created(m.createdAt(), m.id());
        }
    }

    private final Map<String, ScheduledMessage> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Created, ScheduledMessage> inCreationOrder =
            new ConcurrentSkipListMap<>(Created.ORDER);
    private final Map<String, Due> dueById = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> index = new ConcurrentSkipListSet<>(Due.ORDER);
    private final Queue<String> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private final ScheduleConfig config;

    ScheduleStore(ScheduleConfig config) {
        this.config = config;
    }

    /** Reserves room for one more pending message; false when the store is full. */
    boolean reservePending() {
        while (true) {
            int n = pending.get();
            if (n >= config.maxPending()) {
                return false;
            }
            if (pending.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    ScheduledMessage create(Recipient recipient, String from, String text, Instant now, Instant deliverAt,
            CronSchedule cron, boolean pastDue) {
        ScheduledMessage m = new ScheduledMessage(UUID.randomUUID().toString(), recipient, from, text, now, deliverAt,
                cron, pastDue);
        byId.put(m.id(), m);
        inCreationOrder.put(Created.of(m), m);
        return m;
    }

    /** Puts a pending message into the time index at its {@code deliverAt}. */
    void enqueue(ScheduledMessage m) {
        Due due = new Due(m.deliverAt(), seq.incrementAndGet(), m);
        dueById.put(m.id(), due);
        index.add(due);
    }

    /** Removes and returns, in time order, the index entries due at {@code now}. */
    List<ScheduledMessage> pollDue(Instant now) {
        List<ScheduledMessage> due = new ArrayList<>();
        while (true) {
            Due first = index.isEmpty() ? null : firstOrNull();
            if (first == null || first.at().isAfter(now)) {
                return due;
            }
            if (index.remove(first)) {
                dueById.remove(first.message().id(), first);
                due.add(first.message());
            }
        }
    }

    private Due firstOrNull() {
        try {
            return index.first();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }

    /** The time of the earliest pending message, or null. */
    Instant nextDue() {
        Due first = firstOrNull();
        return first == null ? null : first.at();
    }

    void unindex(ScheduledMessage m) {
        Due due = dueById.remove(m.id());
        if (due != null) {
            index.remove(due);
        }
    }

    /** Records that a message left the pending state; forgets the oldest finished ones past the bound. */
    void finished(ScheduledMessage m) {
        pending.decrementAndGet();
        remember(m);
    }

    /** Keeps a message that never was pending (an immediate push) for reading back. */
    void remember(ScheduledMessage m) {
        finished.add(m.id());
        if (finishedCount.incrementAndGet() > config.retainFinished()) {
            String oldest = finished.poll();
            if (oldest != null) {
                finishedCount.decrementAndGet();
                ScheduledMessage forgotten = byId.remove(oldest);
                if (forgotten != null) {
                    inCreationOrder.remove(Created.of(forgotten));
                }
            }
        }
    }

    public Optional<ScheduledMessage> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Messages with the given status (all when null), in order of delivery time. */
    public List<ScheduledMessage> list(Status status) {
        return byId.values().stream()
                .filter(m -> status == null || m.status() == status)
                .sorted(Comparator.comparing(ScheduledMessage::deliverAt).thenComparing(ScheduledMessage::createdAt))
                .toList();
    }

    /**
     * Up to {@code max} messages that pass {@code filter}, in order of creation, starting right after
     * {@code after} (from the start when null). Walks the index without sorting or copying the store.
     */
    public List<ScheduledMessage> page(Predicate<ScheduledMessage> filter, Created after, int max) {
        var from = after == null ? inCreationOrder : inCreationOrder.tailMap(after, false);
        return from.values().stream().filter(filter).limit(max).toList();
    }

    public int pendingCount() {
        return pending.get();
    }
}
