package dev.herald.delivery;

import java.time.Duration;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Delivery and presence settings; documented in application.properties. */
@ConfigMapping(prefix = "herald.delivery")
public interface DeliveryConfig {

    /** Messages kept per user for offline delivery and resume; the oldest is dropped first. */
    @WithDefault("1000")
    @Positive
    int mailboxSize();

    /** How long delivered messages stay available for a resume after a dropped connection. */
    @WithDefault("10m")
    @DurationMin(millis = 1)
    Duration historyRetention();

    /**
     * How long messages wait in an offline user's mailbox; older ones are discarded (counted in
     * {@code herald_mailbox_expired_total}).
     */
    @WithDefault("7d")
    @DurationMin(millis = 1)
    Duration mailboxRetention();

    /**
     * Offline users whose stream (mailbox and resume history) is kept; past it the one offline the longest is
     * evicted with everything it held (counted in {@code herald_mailbox_evicted_total}).
     */
    @WithDefault("10000")
    @Positive
    int maxOfflineUsers();

    /** How often old history is trimmed and idle users' streams are forgotten. */
    @WithDefault("60s")
    @DurationMin(millis = 1)
    Duration sweepEvery();

    /**
     * Presence events are sent to everyone while at most this many users are online; above it they stop (each
     * would cost a frame per online user) and the welcome lists only this many users. GET /api/users stays exact.
     */
    @WithDefault("500")
    @PositiveOrZero
    int presenceLimit();

    /**
     * Presence changes are gathered this long and sent as one frame per room (and one for watched users and one for
     * global presence): a connect storm costs each client a frame per interval, not one per arrival.
     */
    @WithDefault("100ms")
    @DurationMin(millis = 1)
    Duration presenceInterval();

    /** The join ack and GET /api/rooms/{room} list a room's members up to this many (the count is always exact). */
    @WithDefault("100")
    @Positive
    int roomMembersListed();

    /** Longest message text accepted, in characters. */
    @WithDefault("4096")
    @Positive
    int maxTextLength();
}
