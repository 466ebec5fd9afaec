package dev.herald.delivery;

import jakarta.inject.Singleton;

import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;

/**
 * Tells every online user that someone came online or went offline, while few enough users are online: each change
 * costs a frame per online user, so above {@code herald.delivery.presence-limit} it would grow with the square of
 * the users.
 */
@Singleton
public class PresenceAnnouncer {

    private final Broker broker;
    private final FrameEncoder encoder;
    private final int limit;

    PresenceAnnouncer(Broker broker, FrameEncoder encoder, DeliveryConfig config) {
        this.broker = broker;
        this.encoder = encoder;
        this.limit = config.presenceLimit();
    }

    /** Called in order for each user: a user's online and offline events never overtake each other. */
    void changed(String user, boolean online, int onlineCount) {
        if (onlineCount <= limit) {
            broker.pushToAll(encoder.json(new ServerFrame.Presence(user, online)), user);
        }
    }
}
