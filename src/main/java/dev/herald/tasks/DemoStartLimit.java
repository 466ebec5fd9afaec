package dev.herald.tasks;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code herald.tasks.demo-starts-per-minute} demo jobs per user in any 60 seconds, so that one token
 * cannot flood tabs with task frames. Users whose last start is a minute old are forgotten once many are counted.
 */
final class DemoStartLimit {

    private static final long WINDOW_MILLIS = 60_000;
    private static final int FORGET_ABOVE = 1024;

    /** Start times (epoch millis) of a user's jobs in the last minute, oldest first; replaced, never changed. */
    private record Starts(long[] at) {
        long newest() {
            return at.length == 0 ? Long.MIN_VALUE : at[at.length - 1];
        }
    }

    private final int perMinute;
    private final Map<String, Starts> starts = new ConcurrentHashMap<>();

    DemoStartLimit(int perMinute) {
        this.perMinute = perMinute;
    }

    /** @return 0 when {@code user} may start one more job now (and it is counted), else the seconds to wait */
    long tryStart(String user, long nowMillis) {
        long[] wait = { 0 };
        starts.compute(user, (u, s) -> {
            long[] recent = s == null ? new long[0]
                    : Arrays.stream(s.at()).filter(t -> nowMillis - t < WINDOW_MILLIS).toArray();
            if (recent.length >= perMinute) {
                wait[0] = Math.max(1, (recent[0] + WINDOW_MILLIS - nowMillis + 999) / 1000);
                return new Starts(recent);
            }
            long[] more = Arrays.copyOf(recent, recent.length + 1);
            more[recent.length] = nowMillis;
            return new Starts(more);
        });
        if (starts.size() > FORGET_ABOVE) {
            starts.values().removeIf(s -> nowMillis - s.newest() >= WINDOW_MILLIS);
        }
        return wait[0];
    }
}
