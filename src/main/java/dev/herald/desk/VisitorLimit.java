package dev.herald.desk;

import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * At most {@code herald.desk.visitors-per-minute} new visitors per client address in any 60 seconds, so that one
 * client cannot mint visitors (and their tokens) without end. Addresses quiet for a minute are forgotten.
 */
@Singleton
class VisitorLimit {

    private static final long WINDOW_MILLIS = 60_000;
    private static final int FORGET_ABOVE = 4096;

    private final int perMinute;
    private final Clock clock;
    /** Sign-up times (epoch millis) per address in the last minute, oldest first; replaced, never changed. */
    private final Map<String, long[]> signUps = new ConcurrentHashMap<>();

    @Inject
    VisitorLimit(DeskConfig config, Clock clock) {
        this(config.visitorsPerMinute(), clock);
    }

    VisitorLimit(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** @return 0 when {@code address} may create one more visitor now (and it is counted), else seconds to wait */
    long tryCreate(String address) {
        long now = clock.millis();
        long[] wait = { 0 };
        signUps.compute(address, (a, times) -> {
            long[] recent = times == null ? new long[0] : Arrays.stream(times).filter(t -> now - t < WINDOW_MILLIS).toArray();
            if (recent.length >= perMinute) {
                wait[0] = Math.max(1, (recent[0] + WINDOW_MILLIS - now + 999) / 1000);
                return recent;
            }
            long[] more = Arrays.copyOf(recent, recent.length + 1);
            more[recent.length] = now;
            return more;
        });
        if (signUps.size() > FORGET_ABOVE) {
            signUps.values().removeIf(t -> t.length == 0 || now - t[t.length - 1] >= WINDOW_MILLIS);
        }
        return wait[0];
    }
}
