package dev.herald.connection;

/**
 * A token bucket for one connection. websockets-next hands a connection's frames to the endpoint one at a time,
 * so it needs no lock.
 */
public final class RateLimiter {

    private final double perNano;
    private final int capacity;
    private double tokens;
    private long last;
    private int refusedInARow;

    public RateLimiter(int perSecond, int burst, long now) {
        this.perNano = perSecond / 1e9;
        this.capacity = Math.max(1, burst);
        this.tokens = capacity;
        this.last = now;
    }

    /** @return whether a frame arriving at {@code now} (nanos) may be handled */
    public boolean tryAcquire(long now) {
        tokens = Math.min(capacity, tokens + (now - last) * perNano);
        last = now;
        if (tokens >= 1) {
            tokens -= 1;
            refusedInARow = 0;
            return true;
        }
        refusedInARow++;
        return false;
    }

    public int refusedInARow() {
        return refusedInARow;
    }
}
