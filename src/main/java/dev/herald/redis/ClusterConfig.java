package dev.herald.redis;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Several nodes on Redis; documented in application.properties. */
@ConfigMapping(prefix = "herald.cluster")
public interface ClusterConfig {

    /**
     * How long a node that stopped beating keeps its users' presence and room memberships, and how long a claim on
     * a scheduled message being fired lasts: a node killed mid-way is taken over after at most this.
     */
    @WithDefault("15s")
    @DurationMin(seconds = 1)
    Duration nodeTtl();
}
