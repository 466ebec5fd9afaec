package dev.herald.ticker;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The seed-000 ticker demo; documented in application.properties. */
@ConfigMapping(prefix = "herald.ticker")
public interface TickerConfig {

    /** Whether {@code /ws/ticker} accepts connections (404 otherwise). Off in production, on in dev and tests. */
    @WithDefault("false")
    boolean enabled();

    /** Open ticker connections one client address may hold; more are refused at the upgrade with 429. */
    @WithDefault("10")
    int connectionsPerAddress();

    /** Time between two pushes. */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration interval();

    /** Delay of the first push when the client does not ask for one with {@code ?first=}. */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration firstDelay();
}
