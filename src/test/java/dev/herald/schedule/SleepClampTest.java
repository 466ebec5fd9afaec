package dev.herald.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The firing thread's sleep for any pair of instants: never an overflow, never more than max-sleep. */
class SleepClampTest {

    private static final Duration MAX = Duration.ofMillis(250);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void farFutureAndFarPastAreClamped() {
        assertThat(DueMessageTimer.sleepNanos(NOW, Instant.parse("2400-01-01T00:00:00Z"), MAX)).isEqualTo(MAX.toNanos());
        assertThat(DueMessageTimer.sleepNanos(NOW, Instant.MAX, MAX)).isEqualTo(MAX.toNanos());
        assertThat(DueMessageTimer.sleepNanos(NOW, Instant.parse("1000-01-01T00:00:00Z"), MAX)).isZero();
        assertThat(DueMessageTimer.sleepNanos(NOW, Instant.MIN, MAX)).isZero();
    }

    @Test
    void nearTimesSleepExactlyUntilDue() {
        assertThat(DueMessageTimer.sleepNanos(NOW, NOW.plusMillis(100), MAX)).isEqualTo(100_000_000L);
        assertThat(DueMessageTimer.sleepNanos(NOW, null, MAX)).isEqualTo(MAX.toNanos());
    }
}
