package dev.herald.desk;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.herald.support.ManualClock;

/** New visitors per client address: a few per minute, each address on its own, free again a minute later. */
class VisitorLimitTest {

    @Test
    void anAddressGetsAFewVisitorsPerMinuteAndOthersAreNotAffected() {
        ManualClock clock = new ManualClock();
        VisitorLimit limit = new VisitorLimit(3, clock);
        assertThat(limit.tryCreate("10.0.0.1")).isZero();
        clock.advance(Duration.ofSeconds(10));
        assertThat(limit.tryCreate("10.0.0.1")).isZero();
        assertThat(limit.tryCreate("10.0.0.1")).isZero();
        // The fourth within the minute waits until the first is a minute old: 50 s.
        assertThat(limit.tryCreate("10.0.0.1")).isEqualTo(50);
        assertThat(limit.tryCreate("10.0.0.2")).isZero();
        clock.advance(Duration.ofSeconds(50));
        assertThat(limit.tryCreate("10.0.0.1")).isZero();
        assertThat(limit.tryCreate("10.0.0.1")).isEqualTo(10);
    }
}
