package dev.herald.redis;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Redis engine ({@code herald.engine=redis}); documented in application.properties. */
@ConfigMapping(prefix = "herald.redis")
public interface RedisConfig {

    /**
     * Users' keys are spread over this many hash tags, so that a message to many users (a room, a broadcast) costs
     * one script per tag rather than one per user, and a Redis Cluster can still spread them over its masters.
     */
    @WithDefault("16")
    @Positive
    int partitions();

    /** Longest wait for one Redis command; past it the caller gets {@code unavailable}. */
    @WithDefault("2s")
    @DurationMin(millis = 1)
    Duration timeout();

    /** Prefix of every key and channel Herald uses, so that several sites can share one Redis. */
    @WithDefault("herald")
    String prefix();
}
