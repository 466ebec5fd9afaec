package dev.herald.schedule;

/**
 * A CDI event: a stored message changed state (created pending, delivered, pending again for its next occurrence,
 * cancelled, failed), so that whoever shows the list of scheduled messages can be told instead of polling.
 */
public record ScheduleChanged(ScheduledMessage message) {
}
