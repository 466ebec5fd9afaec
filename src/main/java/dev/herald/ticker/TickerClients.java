package dev.herald.ticker;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/** Open ticker connections per client address, held to {@code herald.ticker.connections-per-address}. */
@ApplicationScoped
public class TickerClients {

    private final int limit;
    /** Updated with {@code compute}, which is atomic per key: counting and the limit check cannot interleave. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    TickerClients(TickerConfig config) {
        this.limit = config.connectionsPerAddress();
    }

    /** Whether {@code address} is below its limit: the cheap check before the upgrade. */
    boolean hasRoom(String address) {
        return open.getOrDefault(address, 0) < limit;
    }

    /** Counts one more connection from {@code address}, unless that would pass the limit. */
    boolean tryOpen(String address) {
        boolean[] counted = new boolean[1];
        open.compute(address, (a, n) -> {
            int current = n == null ? 0 : n;
            if (current >= limit) {
                return n;
            }
            counted[0] = true;
            return current + 1;
        });
        return counted[0];
    }

    /** One connection counted by {@link #tryOpen} has closed. */
    void closed(String address) {
        open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }
}
