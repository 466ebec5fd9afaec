package dev.herald.schedule;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A message in the store. Its status moves by compare-and-set only, so a message is fired once and a cancel
 * either wins before firing or loses to it, never both.
 */
public final class ScheduledMessage {

    private final String id;
    private final Recipient recipient;
    private final String from;
    private final String text;
    private final Instant createdAt;
    private final CronSchedule cron;
    private final boolean pastDue;
    private final AtomicReference<Status> status = new AtomicReference<>(Status.PENDING);
    private volatile Instant deliverAt;
    private volatile Instant deliveredAt;
    private volatile int deliveries;
    private volatile int recipients;
    private volatile String error;

    ScheduledMessage(String id, Recipient recipient, String from, String text, Instant createdAt, Instant deliverAt,
            CronSchedule cron, boolean pastDue) {
        this.id = id;
        this.recipient = recipient;
        this.from = from;
        this.text = text;
        this.createdAt = createdAt;
        this.deliverAt = deliverAt;
        this.cron = cron;
        this.pastDue = pastDue;
    }

    boolean transition(Status from, Status to) {
        return status.compareAndSet(from, to);
    }

    void fired(Instant at, int recipientCount) {
        deliveredAt = at;
        recipients = recipientCount;
        deliveries++;
    }

    void failed(String message) {
        error = message;
        status.set(Status.FAILED);
    }

    void rescheduleAt(Instant next) {
        deliverAt = next;
    }

    public String id() {
        return id;
    }

    public Recipient recipient() {
        return recipient;
    }

    public String from() {
        return from;
    }

    public String text() {
        return text;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant deliverAt() {
        return deliverAt;
    }

    public Instant deliveredAt() {
        return deliveredAt;
    }

    public CronSchedule cron() {
        return cron;
    }

    public boolean pastDue() {
        return pastDue;
    }

    public Status status() {
        return status.get();
    }

    public int deliveries() {
        return deliveries;
    }

    public int recipients() {
        return recipients;
    }

    public String error() {
        return error;
    }
}
