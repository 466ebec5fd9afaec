package dev.herald.connection;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * The rate limit of one connection: {@code perSecond} frames on average, {@code burst} at once. A token bucket kept
 * as GCRA (the generic cell rate algorithm): one "theoretical arrival time" moved by compare-and-set, so frames that
 * arrive on several threads at once (two {@code POST /api/frames} of one SSE connection on different event loops)
 * are counted exactly, without a lock; on a WebSocket, whose frames arrive one at a time, the compare-and-set never
 * retries.
 */
public final class RateLimiter {

    // Updaters over plain fields rather than Atomic* objects: every idle connection holds a limiter.
    private static final AtomicLongFieldUpdater<RateLimiter> TAT =
            AtomicLongFieldUpdater.newUpdater(RateLimiter.class, "theoreticalArrival");
    private static final AtomicIntegerFieldUpdater<RateLimiter> REFUSED =
            AtomicIntegerFieldUpdater.newUpdater(RateLimiter.class, "refusedInARow");

    /** Nanoseconds one frame costs: the bucket refills one frame per interval. */
    private final long interval;
    /** How far the arrival time may run ahead of the clock: {@code burst - 1} intervals. */
    private final long tolerance;
    /** When the bucket would be full again if nothing more arrived; at or before now means full. */
    private volatile long theoreticalArrival;
    private volatile int refusedInARow;

    public RateLimiter(int perSecond, int burst, long now) {
        this.interval = Math.max(1, 1_000_000_000L / Math.max(1, perSecond));
        this.tolerance = (Math.max(1, burst) - 1) * interval;
        this.theoreticalArrival = now;
    }

    /** @return whether a frame arriving at {@code now} (nanos) may be handled */
    public boolean tryAcquire(long now) {
        return acquire(now) == 0;
    }

    /**
     * Counts a frame arriving at {@code now} (nanos).
     *
     * @return 0 when it may be handled, else how many frames in a row (this one included) have been refused — each
     *         number is returned to one caller only, so exactly one caller sees any given count
     */
    public int acquire(long now) {
        while (true) {
            int refusedBefore = refusedInARow;
            long tat = theoreticalArrival;
            long from = now - tat > 0 ? now : tat; // a bucket that has been full since tat stays full
            if (from - now > tolerance) {
                return REFUSED.incrementAndGet(this);
            }
            if (TAT.compareAndSet(this, tat, from + interval)) {
                // Ends the row it followed, not refusals that came after it on other threads.
                if (refusedBefore != 0) {
                    REFUSED.compareAndSet(this, refusedBefore, 0);
                }
                return 0;
            }
        }
    }

    public int refusedInARow() {
        return refusedInARow;
    }
}
