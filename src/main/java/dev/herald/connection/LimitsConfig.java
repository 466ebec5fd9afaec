package dev.herald.connection;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What one client may cost the server; documented in application.properties. */
@ConfigMapping(prefix = "herald.limits")
public interface LimitsConfig {

    /** Frames a connection may send per second on average; more get {@code rate_limited} errors. */
    @WithDefault("20")
    @Positive
    int messagesPerSecond();

    /** Frames a connection may send in one burst above the average rate. */
    @WithDefault("40")
    @Positive
    int burst();

    /** Refused frames in a row after which the connection is closed with 1008 (sustained abuse). */
    @WithDefault("50")
    @Positive
    int abuseThreshold();

    /** Open connections one user may hold; more are refused at the upgrade with 429. */
    @WithDefault("20")
    @Positive
    int connectionsPerUser();

    /** Rooms one connection may have joined at once. */
    @WithDefault("100")
    @Positive
    int roomsPerConnection();

    /** Users one connection may watch at once (watch frames); past it, {@code too_many_watched}. */
    @WithDefault("100")
    @Positive
    int watchedPerConnection();

    /**
     * Frames queued for a connection that is not reading; past it the connection is closed with 1008. Keep it
     * well above the mailbox size: a mailbox replay or a burst of scheduled messages is written all at once.
     */
    @WithDefault("10000")
    @Positive
    int outboundBacklog();

    /**
     * Bytes (UTF-8, as written) queued for a connection that is not reading; past it the connection is closed with
     * 1008. The default holds a whole mailbox replay of 1 000 messages of 4 KiB with room to spare; a larger replay
     * is cut and the client resumes from its last id.
     */
    @WithDefault("8M")
    MemorySize outboundBacklogBytes();

    /** The server pings every WebSocket this often; a live client answers with a pong. */
    @WithDefault("30s")
    @DurationMin(millis = 8)
    Duration pingInterval();

    /** A connection that has sent nothing (frames or pongs) for this long is dropped as dead. */
    @WithDefault("90s")
    @DurationMin(millis = 1)
    Duration idleTimeout();

    /** How long a closing socket waits for the peer's close frame before the connection is cut. */
    @WithDefault("3s")
    @DurationMin(millis = 1)
    Duration closingTimeout();

    /**
     * How long an HTTP connection may wait for its answer (a response, or the 101 of an upgrade) after it opened or
     * after its previous answer, however slowly it sends its request; then it is closed. Upgraded WebSockets are
     * exempt: {@link #idleTimeout()} governs them.
     */
    @WithDefault("10s")
    Duration requestTimeout();

    /** WebSocket upgrades from one client address that may be in progress at once; more get 429. */
    @WithDefault("32")
    int upgradesPerAddress();

    /** How often connections are checked for silence (read by the {@code @Scheduled} expression). */
    @WithDefault("5s")
    @DurationMin(millis = 1)
    Duration idleCheck();
}
