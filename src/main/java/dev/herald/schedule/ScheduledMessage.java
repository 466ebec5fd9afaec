package dev.herald.schedule;

import java.time.Instant;

/**
 * A stored message as it stands at one moment: what to deliver, to whom, when, and where it is in its life
 * ({@code status}). Stores hand out these snapshots; every change is a transition inside the store.
 *
 * @param pastDue the requested time had already passed, so it was delivered at once
 * @param deliverAt when it is (or was last) due; a recurring message's next occurrence while it is pending
 * @param recipients how many users its last delivery reached
 */
public record ScheduledMessage(String id, Recipient recipient, String from, String text, Instant createdAt,
        CronSchedule cron, boolean pastDue, Status status, Instant deliverAt, Instant deliveredAt, int deliveries,
        int recipients, String error) {

    /** A new pending message. */
    static ScheduledMessage pending(String id, Recipient recipient, String from, String text, Instant createdAt,
            Instant deliverAt, CronSchedule cron, boolean pastDue) {
        return new ScheduledMessage(id, recipient, from, text, createdAt, cron, pastDue, Status.PENDING, deliverAt,
                null, 0, 0, null);
    }

    ScheduledMessage withStatus(Status next) {
        return new ScheduledMessage(id, recipient, from, text, createdAt, cron, pastDue, next, deliverAt, deliveredAt,
                deliveries, recipients, error);
    }

    /** Delivered at {@code at}: finished, or pending again at {@code next} for a recurring message. */
    ScheduledMessage fired(Instant at, int reached, Instant next) {
        return new ScheduledMessage(id, recipient, from, text, createdAt, cron, pastDue,
                next == null ? Status.DELIVERED : Status.PENDING, next == null ? deliverAt : next, at, deliveries + 1,
                reached, error);
    }

    ScheduledMessage failed(String why) {
        return new ScheduledMessage(id, recipient, from, text, createdAt, cron, pastDue, Status.FAILED, deliverAt,
                deliveredAt, deliveries, recipients, why);
    }
}
