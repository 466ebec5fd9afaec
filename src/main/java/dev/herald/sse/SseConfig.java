package dev.herald.sse;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Server-Sent Events transport; documented in application.properties. */
@ConfigMapping(prefix = "herald.sse")
public interface SseConfig {

    /**
     * How often an event stream gets a comment line ({@code : ping}) when nothing else is written: it keeps proxies
     * from timing the stream out, and a write that fails ends a stream whose client has gone.
     */
    @WithDefault("15s")
    @DurationMin(millis = 1)
    Duration heartbeat();
}
