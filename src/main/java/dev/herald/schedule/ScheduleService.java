package dev.herald.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.herald.delivery.Delivered;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.Kind;
import dev.herald.delivery.Message;
import dev.herald.ops.HeraldMetrics;
import io.micrometer.core.instrument.Gauge;

/**
 * Accepts messages for now or later and fires them through {@link DeliveryService}, the same path as live
 * messages, so ids, the offline mailbox and resume hold for them too.
 */
@ApplicationScoped
public class ScheduleService {

    private static final Logger LOG = Logger.getLogger(ScheduleService.class);

    private final ScheduleStore store;
    private final DeliveryService delivery;
    private final Clock clock;
    private final ScheduleConfig config;
    private final Wakeup wakeup;

    private final HeraldMetrics metrics;

    ScheduleService(ScheduleStore store, DeliveryService delivery, Clock clock, ScheduleConfig config, Wakeup wakeup,
            HeraldMetrics metrics) {
        this.metrics = metrics;
        Gauge.builder("herald.schedule.pending", store, ScheduleStore::pendingCount)
                .description("Scheduled messages waiting for their time").register(metrics.registry());
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
        this.config = config;
        this.wakeup = wakeup;
    }

    /** Delivers at once and keeps the record; kind is direct, room or broadcast by target. */
    public ScheduledMessage pushNow(Recipient recipient, String from, String text) {
        Instant now = clock.instant();
        ScheduledMessage m = store.create(recipient, from, text, now, now, null, false);
        m.transition(Status.PENDING, Status.FIRING);
        deliver(m, kindOf(recipient), now);
        store.remember(m);
        return m;
    }

    /**
     * Stores a message for {@code deliverAt} (or the cron's next occurrence). A time already past is delivered
     * at once and flagged {@code pastDue}.
     *
     * @throws StoreFull when the store holds its maximum of pending messages
     */
    public ScheduledMessage schedule(Recipient recipient, String from, String text, Instant deliverAt, CronSchedule cron) {
        Instant now = clock.instant();
        Instant at = cron != null ? cron.next(now) : deliverAt;
        if (at == null) {
            throw new IllegalArgumentException("the cron expression has no future occurrence");
        }
        if (!store.reservePending()) {
            throw new StoreFull(config.maxPending());
        }
        boolean pastDue = cron == null && !at.isAfter(now);
        ScheduledMessage m = store.create(recipient, from, text, now, at, cron, pastDue);
        if (pastDue) {
            fire(m, now);
        } else {
            store.enqueue(m);
            wakeup.earliestMayHaveChanged(at);
        }
        return m;
    }

    /** How far ahead a message may be scheduled: {@code herald.schedule.max-ahead}. */
    public Duration maxAhead() {
        return config.maxAhead();
    }

    public CancelOutcome cancel(String id) {
        ScheduledMessage m = store.get(id).orElse(null);
        if (m == null) {
            return CancelOutcome.NOT_FOUND;
        }
        while (true) {
            if (m.transition(Status.PENDING, Status.CANCELLED)) {
                store.unindex(m);
                store.finished(m);
                return CancelOutcome.CANCELLED;
            }
            if (m.status() != Status.FIRING) {
                return CancelOutcome.TOO_LATE;
            }
            // A recurring message is being fired and will be pending again in a moment.
            Thread.onSpinWait();
        }
    }

    /** Fires every message due at the clock's now; returns how many were fired. Safe to call concurrently. */
    public int fireDue() {
        Instant now = clock.instant();
        int fired = 0;
        for (ScheduledMessage m : store.pollDue(now)) {
            if (fire(m, now)) {
                fired++;
            }
        }
        return fired;
    }

    Instant nextDue() {
        return store.nextDue();
    }

    private boolean fire(ScheduledMessage m, Instant now) {
        if (!m.transition(Status.PENDING, Status.FIRING)) {
            return false; // cancelled meanwhile
        }
        try {
            metrics.lateness(lateness(m, now));
            deliver(m, Kind.SCHEDULED, now);
        } catch (RuntimeException e) {
            LOG.errorf(e, "scheduled message %s failed", m.id());
            m.failed(e.getMessage());
            store.finished(m);
            return false;
        }
        Instant next = m.cron() == null ? null : m.cron().next(now);
        if (next != null) {
            m.rescheduleAt(next);
            store.enqueue(m);
            m.transition(Status.FIRING, Status.PENDING);
        } else {
            store.finished(m);
        }
        return true;
    }

    /**
     * How late the service was: from the due time, or from when the message arrived if it was already due then (a
     * deliverAt in the past is the caller's lateness, not ours, and may lie centuries back).
     */
    private static Duration lateness(ScheduledMessage m, Instant now) {
        Instant due = m.deliverAt().isAfter(m.createdAt()) ? m.deliverAt() : m.createdAt();
        return Duration.between(due, now);
    }

    private void deliver(ScheduledMessage m, Kind kind, Instant now) {
        Recipient r = m.recipient();
        Message message = new Message(m.from(), r.to(), r.room(), m.text(), kind, now);
        Delivered delivered = delivery.deliver(message, null);
        m.fired(now, delivered.users());
        if (m.cron() == null) {
            m.transition(Status.FIRING, Status.DELIVERED);
        }
    }

    private static Kind kindOf(Recipient r) {
        return r.to() != null ? Kind.DIRECT : r.room() != null ? Kind.ROOM : Kind.BROADCAST;
    }

    public int pendingCount() {
        return store.pendingCount();
    }
}
