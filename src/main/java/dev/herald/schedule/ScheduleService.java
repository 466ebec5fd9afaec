package dev.herald.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.Durability;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.Kind;
import dev.herald.protocol.Message;
import io.micrometer.core.instrument.Gauge;

/**
 * Accepts messages for now or later and fires them through {@link DeliveryService}, the same path as live
 * messages, so ids, the offline mailbox and resume hold for them too. Every state change is a transition of the
 * {@link ScheduleStore}. With a data directory a fire (the stream appends and the message's new state) is committed
 * as one ({@link Durability#atomically}): a crash keeps both or neither, so a message is never delivered twice nor
 * lost; and an answer (201, 200) is given once what it reports is on disk.
 */
@ApplicationScoped
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);
    /** Claimed per pass: a burst of due messages is fired in batches, the earliest first. */
    private static final int CLAIM_BATCH = 1000;

    private final ScheduleStore store;
    private final DeliveryService delivery;
    private final Clock clock;
    private final Wakeup wakeup;
    private final HeraldMetrics metrics;
    private final ScheduleConfig config;
    private final Durability durability;

    ScheduleService(ScheduleStore store, DeliveryService delivery, Clock clock, Wakeup wakeup, HeraldMetrics metrics,
            ScheduleConfig config, Durability durability) {
        this.config = config;
        this.durability = durability;
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
        this.wakeup = wakeup;
        this.metrics = metrics;
        Gauge.builder("herald.schedule.pending", store, ScheduleStore::pendingCount)
                .description("Scheduled messages waiting for their time").register(metrics.registry());
    }

    /** Delivers at once and keeps the record; kind is direct, room or broadcast by target. */
    public CompletionStage<ScheduledMessage> pushNow(Recipient recipient, String from, String text) {
        Instant now = clock.instant();
        ScheduledMessage m = ScheduledMessage.pending(UUID.randomUUID().toString(), recipient, from, text, now, now,
                null, false);
        if (durability.atOnce()) {
            return delivery.deliver(message(m, kindOf(recipient), now), null).thenApply(d -> {
                ScheduledMessage delivered = m.fired(now, d.users(), null);
                store.addDelivered(delivered);
                return delivered;
            });
        }
        // With a data directory the delivery and its record are committed as one, then answered.
        ScheduledMessage delivered = durability.atomically(() -> {
            int reached = delivery.publish(message(m, kindOf(recipient), now), null).toCompletableFuture().join().users();
            ScheduledMessage done = m.fired(now, reached, null);
            store.addDelivered(done);
            return done;
        });
        return whenCommitted(delivered);
    }

    private <T> CompletionStage<T> whenCommitted(T result) {
        return durability.committed().thenApply(v -> result);
    }

    /**
     * Stores a message for {@code deliverAt} (or the cron's next occurrence). A time already past is delivered
     * at once and flagged {@code pastDue}.
     *
     * @throws StoreFull when the store holds its maximum of pending messages
     */
    public CompletionStage<ScheduledMessage> schedule(Recipient recipient, String from, String text, Instant deliverAt,
            CronSchedule cron) {
        Instant now = clock.instant();
        Instant at = cron != null ? cron.next(now) : deliverAt;
        if (at == null) {
            throw new IllegalArgumentException("the cron expression has no future occurrence");
        }
        boolean pastDue = cron == null && !at.isAfter(now);
        ScheduledMessage m = store.add(ScheduledMessage.pending(UUID.randomUUID().toString(), recipient, from, text,
                now, at, cron, pastDue));
        if (pastDue) {
            store.claim(m.id()).ifPresent(claimed -> fire(claimed, now));
            return whenCommitted(store.get(m.id()).orElse(m));
        }
        wakeup.wake();
        return whenCommitted(m);
    }

    /** How far ahead a message may be scheduled: {@code herald.schedule.max-ahead}. */
    public Duration maxAhead() {
        return config.maxAhead();
    }

    /** Completes once the outcome is on disk. */
    public CompletionStage<CancelOutcome> cancel(String id) {
        return whenCommitted(store.cancel(id));
    }

    /**
     * Fires every message due at the clock's now, in time order; returns how many were fired. Safe to call from
     * several threads: the store gives each due message to one caller only.
     */
    public int fireDue() {
        if (delivery.draining()) {
            return 0; // shutting down: what is due stays pending, nothing is marked failed
        }
        int fired = 0;
        while (true) {
            Instant now = clock.instant();
            List<ScheduledMessage> due = store.claimDue(now, CLAIM_BATCH);
            for (ScheduledMessage m : due) {
                if (fire(m, now)) {
                    fired++;
                }
            }
            if (due.size() < CLAIM_BATCH) {
                return fired;
            }
        }
    }

    Instant nextDue() {
        return store.nextDue();
    }

    private boolean fire(ScheduledMessage m, Instant now) {
        try {
            metrics.lateness(lateness(m, now));
            durability.atomically(() -> {
                int reached = delivery.publish(message(m, Kind.SCHEDULED, now), null).toCompletableFuture().join()
                        .users();
                store.fired(m.id(), now, reached, m.cron() == null ? null : m.cron().next(now));
            });
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "scheduled message %s failed", m.id());
            store.failed(m.id(), String.valueOf(e.getMessage()));
            return false;
        }
    }

    /**
     * How late the service was: from the due time, or from when the message arrived if it was already due then (a
     * deliverAt in the past is the caller's lateness, not ours, and may lie centuries back).
     */
    private static Duration lateness(ScheduledMessage m, Instant now) {
        Instant due = m.deliverAt().isAfter(m.createdAt()) ? m.deliverAt() : m.createdAt();
        return Duration.between(due, now);
    }

    private static Message message(ScheduledMessage m, Kind kind, Instant now) {
        Recipient r = m.recipient();
        return new Message(m.from(), r.to(), r.room(), m.text(), kind, now);
    }

    private static Kind kindOf(Recipient r) {
        return r.to() != null ? Kind.DIRECT : r.room() != null ? Kind.ROOM : Kind.BROADCAST;
    }

    public java.util.Optional<ScheduledMessage> get(String id) {
        return store.get(id);
    }

    /** See {@link ScheduleStore#page}. */
    public List<ScheduledMessage> page(java.util.function.Predicate<ScheduledMessage> filter, ScheduleStore.Created after,
            int max) {
        return store.page(filter, after, max);
    }

    public int pendingCount() {
        return store.pendingCount();
    }
}
