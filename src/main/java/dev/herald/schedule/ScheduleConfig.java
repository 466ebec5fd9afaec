package dev.herald.schedule;

import java.time.Duration;

import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Scheduled messages; documented in application.properties. */
@ConfigMapping(prefix = "herald.schedule")
public interface ScheduleConfig {

    /** Most pending messages the store holds; past it, POST /api/messages answers 503. */
    @WithDefault("200000")
    @Positive
    int maxPending();

    /** Delivered, cancelled and failed messages kept for GET /api/messages; the oldest are forgotten first. */
    @WithDefault("10000")
    @PositiveOrZero
    int retainFinished();

    /** Latest time a message may be scheduled for, from now (deliverAt or delaySeconds); later ones are a 400. */
    @WithDefault("3650d")
    @DurationMin(seconds = 1)
    Duration maxAhead();

    /** Longest the firing thread sleeps between two looks at the clock. */
    @WithDefault("250ms")
    @DurationMin(millis = 1)
    Duration maxSleep();
}
