package dev.herald.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The token bucket on a clock the test gives it: the burst, the refill, refusals counted in a row, and frames of one
 * connection counted on several threads at once (an SSE client's concurrent POSTs).
 */
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

    /** Eight threads, 10 000 frames at one instant: exactly the burst passes, and one refusal is the 50th in a row. */
    @RepeatedTest(20)
    void framesArrivingOnSeveralThreadsAtOnceAreCountedExactly() throws Exception {
        int burst = 1_000, threads = 8, each = 1_250;
        RateLimiter limiter = new RateLimiter(1, burst, 0);
        PeerActivity peer = new PeerActivity(new Limits(1, burst, 50), 0, (code, reason) -> {
        });
        AtomicInteger passed = new AtomicInteger(), closes = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        if (limiter.tryAcquire(0)) {
                            passed.incrementAndGet();
                        }
                        if (peer.frame(0) == PeerActivity.Verdict.CLOSE) {
                            closes.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(passed.get()).isEqualTo(burst);
        assertThat(limiter.refusedInARow()).isEqualTo(threads * each - burst);
        assertThat(closes.get()).as("the frame that crosses the abuse threshold, once").isEqualTo(1);
    }

    /** Just the limits PeerActivity reads. */
    private record Limits(int messagesPerSecond, int burst, int abuseThreshold) implements LimitsConfig {
        @Override
        public int connectionsPerUser() {
            return 1;
        }

        @Override
        public int roomsPerConnection() {
            return 1;
        }

        @Override
        public int outboundBacklog() {
            return 1;
        }

        @Override
        public io.quarkus.runtime.configuration.MemorySize outboundBacklogBytes() {
            return new io.quarkus.runtime.configuration.MemorySize(java.math.BigInteger.ONE);
        }

        @Override
        public java.time.Duration pingInterval() {
            return java.time.Duration.ofSeconds(1);
        }

        @Override
        public java.time.Duration idleTimeout() {
            return java.time.Duration.ofSeconds(1);
        }

        @Override
        public java.time.Duration closingTimeout() {
            return java.time.Duration.ofSeconds(1);
        }

        @Override
        public java.time.Duration requestTimeout() {
            return java.time.Duration.ofSeconds(1);
        }

        @Override
        public int upgradesPerAddress() {
            return 1;
        }

        @Override
        public int watchedPerConnection() {
            return 1;
        }

        @Override
        public java.time.Duration idleCheck() {
            return java.time.Duration.ofSeconds(1);
        }
    }
}
