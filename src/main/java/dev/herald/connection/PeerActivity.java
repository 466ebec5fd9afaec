package dev.herald.connection;

import java.util.function.BiConsumer;

/**
 * What the peer of one connection (a WebSocket on any endpoint, or an SSE client) has sent: every frame it sends — text, binary or ping — costs
 * from its rate limit, and when it was last heard from (a frame or a pong) decides when it is dropped as dead. Safe
 * to call from several threads at once (an SSE client's POSTs).
 */
public final class PeerActivity {

    /** What to do with one frame. */
    public enum Verdict {
        /** Within the limit: handle it. */
        PASS,
        /** Over the limit: drop it, and say so when the endpoint has a way to. */
        REFUSE,
        /** This frame crossed {@code herald.limits.abuse-threshold} refusals in a row: close with 1008. */
        CLOSE,
        /** Still flooding after the close: drop it silently. */
        IGNORE
    }

    private final RateLimiter limiter;
    private final int abuseThreshold;
    private final BiConsumer<Integer, String> close;
    private volatile long lastHeardNanos;

    /** {@code close} closes the connection with a status and reason, the way its endpoint closes it. */
    public PeerActivity(LimitsConfig limits, long now, BiConsumer<Integer, String> close) {
        this.limiter = new RateLimiter(limits.messagesPerSecond(), limits.burst(), now);
        this.abuseThreshold = limits.abuseThreshold();
        this.close = close;
        this.lastHeardNanos = now;
    }

    /** A frame arrived at {@code now} (nanos). */
    public Verdict frame(long now) {
        heard(now);
        int refused = limiter.acquire(now);
        if (refused == 0) {
            return Verdict.PASS;
        }
        return refused < abuseThreshold ? Verdict.REFUSE : refused == abuseThreshold ? Verdict.CLOSE : Verdict.IGNORE;
    }

    /** Something (a frame or a pong) arrived at {@code now}: the peer is alive. */
    public void heard(long now) {
        lastHeardNanos = now;
    }

    public long silentForNanos(long now) {
        return now - lastHeardNanos;
    }

    public void close(int code, String reason) {
        close.accept(code, reason);
    }
}
