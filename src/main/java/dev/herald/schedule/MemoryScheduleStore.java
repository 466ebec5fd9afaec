package dev.herald.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Predicate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Scheduled messages in this process's memory: each message's state is one immutable snapshot changed only by
 * compare-and-set, so every transition is atomic; pending messages also sit in a time-ordered index (a skip list),
 * so finding what is due looks only at what is due. Bounded: {@link ScheduleConfig#maxPending()} pending
 * messages, and {@link ScheduleConfig#retainFinished()} finished ones kept for reading back. With a data directory
 * ({@link ScheduleJournal}) the messages are read back at start and every transition but the claim is written
 * through: a one-off message that fell due while Herald was down is fired at start, flagged {@code pastDue}.
 */
@Singleton
@Typed(MemoryScheduleStore.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryScheduleStore implements ScheduleStore {

    /** A pending message's place in the time index; {@code seq} keeps equal times apart and in order. */
    private record Due(Instant at, long seq, String id) {
        static final Comparator<Due> ORDER = Comparator.comparing(Due::at).thenComparingLong(Due::seq);
    }

    private final Map<String, AtomicReference<ScheduledMessage>> byId = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Created, AtomicReference<ScheduledMessage>> inCreationOrder =
            new ConcurrentSkipListMap<>(Created.ORDER);
    private final Map<String, Due> dueById = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> index = new ConcurrentSkipListSet<>(Due.ORDER);
    private final Queue<String> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private final ScheduleConfig config;
    /** Where messages are written through; null in memory only. */
    private final ScheduleJournal journal;

    MemoryScheduleStore(ScheduleConfig config) {
        this(config, Optional.empty(), Clock.systemUTC());
    }

    @Inject
    MemoryScheduleStore(ScheduleConfig config, Optional<ScheduleJournal> journal, Clock clock) {
        this.config = config;
        this.journal = journal.orElse(null);
        if (this.journal != null) {
            restore(clock.instant());
        }
    }

    /** Reads the messages back from the data directory, each in its state of the last commit. */
    private void restore(Instant now) {
        List<ScheduledMessage> finishedOnes = new ArrayList<>();
        journal.restore(m -> {
            if (m.status() == Status.PENDING || m.status() == Status.FIRING) {
                // due while Herald was down: fired at start, and a one-off one says it came late
                boolean late = m.cron() == null && !m.deliverAt().isAfter(now);
                ScheduledMessage due = new ScheduledMessage(m.id(), m.recipient(), m.from(), m.text(),
                        m.createdAt(), m.cron(), m.pastDue() || late, Status.PENDING, m.deliverAt(), m.deliveredAt(),
                        m.deliveries(), m.recipients(), m.error());
                pending.incrementAndGet();
                keep(due);
                enqueue(due);
            } else {
                finishedOnes.add(m);
            }
        });
        finishedOnes.sort(Comparator.comparing(ScheduledMessage::createdAt).thenComparing(ScheduledMessage::id));
        for (ScheduledMessage m : finishedOnes) {
            keep(m);
            remember(m.id());
        }
    }

    private void written(ScheduledMessage m) {
        if (journal != null) {
            journal.write(m);
        }
    }

    @Override
    public ScheduledMessage add(ScheduledMessage m) {
        if (!reservePending()) {
            throw new StoreFull(config.maxPending());
        }
        keep(m);
        written(m);
        enqueue(m);
        return m;
    }

    private boolean reservePending() {
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

    @Override
    public void addDelivered(ScheduledMessage m) {
        keep(m);
        written(m);
        remember(m.id());
    }

    private void keep(ScheduledMessage m) {
        AtomicReference<ScheduledMessage> ref = new AtomicReference<>(m);
        byId.put(m.id(), ref);
        inCreationOrder.put(Created.of(m), ref);
    }

    private void enqueue(ScheduledMessage m) {
        Due due = new Due(m.deliverAt(), seq.incrementAndGet(), m.id());
        dueById.put(m.id(), due);
        index.add(due);
    }

    @Override
    public List<ScheduledMessage> claimDue(Instant now, int max) {
        List<ScheduledMessage> claimed = new ArrayList<>();
        while (claimed.size() < max) {
            Due first = first();
            if (first == null || first.at().isAfter(now)) {
                return claimed;
            }
            if (!index.remove(first)) {
                continue; // another claimer took it
            }
            dueById.remove(first.id(), first);
            AtomicReference<ScheduledMessage> ref = byId.get(first.id());
            ScheduledMessage m = ref == null ? null : ref.get();
            if (m != null && m.status() == Status.PENDING && ref.compareAndSet(m, m.withStatus(Status.FIRING))) {
                claimed.add(ref.get());
            }
        }
        return claimed;
    }

    @Override
    public Optional<ScheduledMessage> claim(String id) {
        AtomicReference<ScheduledMessage> ref = byId.get(id);
        ScheduledMessage m = ref == null ? null : ref.get();
        if (m == null || m.status() != Status.PENDING || !ref.compareAndSet(m, m.withStatus(Status.FIRING))) {
            return Optional.empty();
        }
        unindex(id);
        return Optional.of(ref.get());
    }

    private Due first() {
        try {
            return index.first();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }

    @Override
    public ScheduledMessage fired(String id, Instant at, int recipients, Instant next) {
        AtomicReference<ScheduledMessage> ref = byId.get(id);
        ScheduledMessage done = ref.updateAndGet(m -> m.fired(at, recipients, next));
        written(done);
        if (next != null) {
            enqueue(done); // pending again before it is indexed: whoever claims it finds it pending
            if (ref.get().status() != Status.PENDING) {
                unindex(id); // cancelled between the two steps
            }
        } else {
            finish(id);
        }
        return done;
    }

    @Override
    public ScheduledMessage failed(String id, String error) {
        ScheduledMessage done = byId.get(id).updateAndGet(m -> m.failed(error));
        written(done);
        finish(id);
        return done;
    }

    @Override
    public CancelOutcome cancel(String id) {
        AtomicReference<ScheduledMessage> ref = byId.get(id);
        if (ref == null) {
            return CancelOutcome.NOT_FOUND;
        }
        while (true) {
            ScheduledMessage m = ref.get();
            if (m.status() == Status.PENDING) {
                ScheduledMessage cancelled = m.withStatus(Status.CANCELLED);
                if (ref.compareAndSet(m, cancelled)) {
                    written(cancelled);
                    unindex(id);
                    finish(id);
                    return CancelOutcome.CANCELLED;
                }
            } else if (m.status() == Status.FIRING) {
                Thread.onSpinWait(); // being delivered right now: a recurring one is pending again in a moment
            } else {
                return CancelOutcome.TOO_LATE;
            }
        }
    }

    private void unindex(String id) {
        Due due = dueById.remove(id);
        if (due != null) {
            index.remove(due);
        }
    }

    /** A message left the pending state for good; the oldest finished ones past the bound are forgotten. */
    private void finish(String id) {
        pending.decrementAndGet();
        remember(id);
    }

    private void remember(String id) {
        finished.add(id);
        if (finishedCount.incrementAndGet() > config.retainFinished()) {
            String oldest = finished.poll();
            if (oldest != null) {
                finishedCount.decrementAndGet();
                AtomicReference<ScheduledMessage> forgotten = byId.remove(oldest);
                if (forgotten != null) {
                    inCreationOrder.remove(Created.of(forgotten.get()));
                    if (journal != null) {
                        journal.forget(forgotten.get());
                    }
                }
            }
        }
    }

    @Override
    public Optional<ScheduledMessage> get(String id) {
        AtomicReference<ScheduledMessage> ref = byId.get(id);
        return ref == null ? Optional.empty() : Optional.of(ref.get());
    }

    @Override
    public List<ScheduledMessage> page(Predicate<ScheduledMessage> filter, Created after, int max) {
        var from = after == null ? inCreationOrder : inCreationOrder.tailMap(after, false);
        return from.values().stream().map(AtomicReference::get).filter(filter).limit(max).toList();
    }

    @Override
    public Instant nextDue() {
        Due first = first();
        return first == null ? null : first.at();
    }

    @Override
    public int pendingCount() {
        return pending.get();
    }
}
