package dev.herald.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.herald.schedule.ScheduledMessage;
import dev.herald.schedule.Status;

/**
 * A stored message as the API shows it. {@code pastDue} says a requested time had already passed, so it was
 * delivered at once; {@code recipients} is how many users it reached on its last delivery.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MessageView(String id, String to, String room, Boolean broadcast, String from, String text,
        Status status, Instant createdAt, Instant deliverAt, Instant deliveredAt, String cron, Integer deliveries,
        Integer recipients, Boolean pastDue, String error) {

    static MessageView of(ScheduledMessage m) {
        var r = m.recipient();
        return new MessageView(m.id(), r.to(), r.room(), r.broadcast() ? Boolean.TRUE : null, m.from(), m.text(),
                m.status(), m.createdAt(), m.deliverAt(), m.deliveredAt(),
                m.cron() == null ? null : m.cron().expression(), m.deliveries(), m.recipients(),
                m.pastDue() ? Boolean.TRUE : null, m.error());
    }
}
