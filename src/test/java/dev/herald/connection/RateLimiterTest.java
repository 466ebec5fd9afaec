package dev.herald.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test gives it: the burst, the refill, and refusals counted in a row. */
class RateLimiterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void servesTheBurstThenRefillsAtTheRate() {
        RateLimiter limiter = new RateLimiter(2, 3, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire(0)).isTrue();
        }
        assertThat(limiter.tryAcquire(0)).isFalse();
        assertThat(limiter.tryAcquire(SECOND / 4)).isFalse();
        assertThat(limiter.refusedInARow()).isEqualTo(2);
        assertThat(limiter.tryAcquire(SECOND / 2)).isTrue(); // one token after half a second at 2/s
        assertThat(limiter.refusedInARow()).isZero();
        assertThat(limiter.tryAcquire(SECOND / 2)).isFalse();
        // A long pause refills to the burst, never above it.
        long later = 100 * SECOND;
        int served = 0;
        while (limiter.tryAcquire(later)) {
            served++;
        }
        assertThat(served).isEqualTo(3);
    }
}
