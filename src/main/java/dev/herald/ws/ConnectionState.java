package dev.herald.ws;

import dev.herald.delivery.Subscriber;

/** What the endpoint keeps per connection: its subscriber, its rate limiter, when it was last heard from. */
final class ConnectionState {

    final Subscriber subscriber;
    final RateLimiter limiter;
    private volatile long lastHeardNanos;

    ConnectionState(Subscriber subscriber, RateLimiter limiter, long now) {
        this.subscriber = subscriber;
        this.limiter = limiter;
        this.lastHeardNanos = now;
    }

    void heard(long now) {
        lastHeardNanos = now;
    }

    long silentForNanos(long now) {
        return now - lastHeardNanos;
    }
}
