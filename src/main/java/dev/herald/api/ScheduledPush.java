package dev.herald.api;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.herald.delivery.DeliveryService;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import dev.herald.schedule.ScheduleChanged;
import dev.herald.schedule.ScheduledMessage;

/**
 * Pushes every state change of a stored message as a {@code scheduled} frame to the users who may read it over the
 * API as a user (its sender {@code from} and its recipient {@code to}), so that a page keeps its list of scheduled
 * messages current without polling. It carries the message exactly as {@code GET /api/messages/{id}} shows it.
 */
@ApplicationScoped
public class ScheduledPush {

    private final DeliveryService delivery;
    private final FrameEncoder encoder;

    ScheduledPush(DeliveryService delivery, FrameEncoder encoder) {
        this.delivery = delivery;
        this.encoder = encoder;
    }

    void changed(@Observes ScheduleChanged change) {
        ScheduledMessage m = change.message();
        Set<String> users = new LinkedHashSet<>();
        if (m.from() != null) {
            users.add(m.from());
        }
        if (m.recipient().to() != null) {
            users.add(m.recipient().to());
        }
        String frame = encoder.json(new ServerFrame.Scheduled<>(MessageView.of(m)));
        users.forEach(user -> delivery.push(user, frame));
    }
}
