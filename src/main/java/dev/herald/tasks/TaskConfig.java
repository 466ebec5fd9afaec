package dev.herald.tasks;

import java.time.Duration;

import jakarta.validation.constraints.Positive;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Task progress relay and its demo job; documented in application.properties. */
@ConfigMapping(prefix = "herald.tasks")
public interface TaskConfig {

    /** Tasks kept (site-wide on Redis); past it the oldest finished task is forgotten. */
    @WithDefault("10000")
    @Positive
    int maxTasks();

    /** Events kept per task; past it new events are refused with 409. */
    @WithDefault("10000")
    @Positive
    int maxEvents();

    /** Pause between two steps of the demo rolling update. */
    @WithDefault("400ms")
    @DurationMin(millis = 1)
    Duration demoStep();

    /** Demo jobs one user may start in any 60 seconds; more get 429. */
    @WithDefault("5")
    @Positive
    int demoStartsPerMinute();
}
