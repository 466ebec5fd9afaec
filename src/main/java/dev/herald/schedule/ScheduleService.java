package dev.herald.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

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
 * lost; and a call returns (a 201, a 200) once what it reports is on disk.
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
    private final Event<ScheduleChanged> changed;
    private final Durability durability;

    ScheduleService(ScheduleStore store, DeliveryService delivery, Clock clock, Wakeup wakeup, HeraldMetrics metrics,
            ScheduleConfig config, Event<ScheduleChanged> changed, Durability durability) {
        this.config = config;
        this.changed = changed;
        this.durability = durability;
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
        this.wakeup = wakeup;
        this.metrics = metrics;
        Gauge.builder("herald.schedule.pending", store, ScheduleStore::pendingCount)
                .description("Scheduled messages waiting for their time").register(metrics.registry());
    }

    /**
     * Delivers at once and keeps the record; kind is direct, room or broadcast by target. Blocks until delivered and
     * stored (the store may be Redis): call it off the event loop.
     */
    public ScheduledMessage pushNow(Recipient recipient, String from, String text) {
        Instant now = clock.instant();
        ScheduledMessage m = ScheduledMessage.pending(UUID.randomUUID().toString(), recipient, from, text, now, now,
                null, false);
        // With a data directory the delivery and its record are committed as one, then answered.
        ScheduledMessage delivered = durability.atomically(() -> {
            int reached = join(delivery.publish(message(m, kindOf(recipient), now), null, null)).users();
            ScheduledMessage done = m.fired(now, reached, null);
            store.addDelivered(done);
            return done;
        });
        committed();
        changed(delivered);
        return delivered;
    }

    /** With a data directory: waits until what was written so far is on disk (what a 201 or a 200 says). */
    private void committed() {
        if (!durability.atOnce()) {
            join(durability.committed());
        }
    }

    /** Waits for a delivery, its own failure (unavailable, say) thrown as it is. */
    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Stores a message for {@code deliverAt} (or the cron's next occurrence). A time already past is delivered
     * at once and flagged {@code pastDue}. Blocks on the store: call it off the event loop.
     *
     * @throws StoreFull when the store holds its maximum of pending messages
     */
    public ScheduledMessage schedule(Recipient recipient, String from, String text, Instant deliverAt,
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
            committed();
            return store.get(m.id()).orElse(m);
        }
        committed();
        changed(m);
        wakeup.wake();
        return m;
    }

    /** How far ahead a message may be scheduled: {@code herald.schedule.max-ahead}. */
    public Duration maxAhead() {
        return config.maxAhead();
    }

    public CancelOutcome cancel(String id) {
        CancelOutcome outcome = store.cancel(id);
        committed();
        if (outcome == CancelOutcome.CANCELLED) {
            store.get(id).ifPresent(this::changed);
        }
        return outcome;
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
            // The occurrence is the delivery key: fired again after a node died mid-way, it appends nothing twice.
            // One commit with a data directory: a crash keeps the appends and the new state, or neither.
            ScheduledMessage after = durability.atomically(() -> {
                int reached = join(delivery.publish(message(m, Kind.SCHEDULED, now), null,
                        m.id() + ":" + (m.deliveries() + 1))).users();
                return store.fired(m.id(), now, reached, m.cron() == null ? null : m.cron().next(now));
            });
            changed(after);
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "scheduled message %s failed", m.id());
            changed(store.failed(m.id(), String.valueOf(e.getMessage())));
            return false;
        }
    }

    /** Tells the observers (the push to the users it concerns); one that fails must not fail the transition. */
    private void changed(ScheduledMessage m) {
        if (m == null) {
            return;
        }
        try {
            changed.fire(new ScheduleChanged(m));
        } catch (RuntimeException e) {
            LOG.warnf(e, "telling about scheduled message %s failed", m.id());
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
