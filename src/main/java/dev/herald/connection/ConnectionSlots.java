package dev.herald.connection;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;

/**
 * The connections each user holds or is opening, counted atomically: a slot is taken at the upgrade check and given
 * back when the connection closes, so concurrent upgrades of one user can never pass
 * {@code herald.limits.connections-per-user} together (checking an open-connection count and adding the connection
 * later let 200 concurrent upgrades open up to 149 sockets against a limit of 20).
 *
 * <p>An upgrade that passed the checks and then failed its handshake, or whose client left, never opens and never
 * closes: its slot lapses after {@link #UNCLAIMED_LEASE_NANOS}. A connection that opens after its slot lapsed takes a
 * new one if there is room.
 */
@Singleton
public class ConnectionSlots {

    /** Far longer than the time from the check to the open of a real connection (microseconds to milliseconds). */
    static final long UNCLAIMED_LEASE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private enum State {
        UNCLAIMED, OPEN, LAPSED, RELEASED
    }

    /** One connection's slot, from its upgrade to its close. Its state changes only under its user's entry lock. */
    public static final class Slot {
        private final String user;
        private final long takenAt;
        private State state = State.UNCLAIMED;

        private Slot(String user, long takenAt) {
            this.user = user;
            this.takenAt = takenAt;
        }
    }

    /** One user's slots; changed only inside {@code users.compute(user, ..)}, which locks that user's entry. */
    private static final class Held {
        int open;
        /** Usually one upgrade in flight at a time: the default 16 slots would be kept by every online user. */
        final ArrayDeque<Slot> unclaimed = new ArrayDeque<>(1);

        int count(long now) {
            while (!unclaimed.isEmpty() && now - unclaimed.peekFirst().takenAt > UNCLAIMED_LEASE_NANOS) {
                unclaimed.pollFirst().state = State.LAPSED;
            }
            return open + unclaimed.size();
        }

        Held orNullIfEmpty() {
            return open == 0 && unclaimed.isEmpty() ? null : this;
        }
    }

    private final Map<String, Held> users = new ConcurrentHashMap<>();
    private final int limit;

    ConnectionSlots(LimitsConfig limits) {
        this.limit = limits.connectionsPerUser();
    }

    /** Takes a slot for an upgrade of {@code user}, or returns null when the user holds the limit already. */
    public Slot take(String user) {
        long now = System.nanoTime();
        Slot[] taken = new Slot[1];
        users.compute(user, (u, held) -> {
            Held h = held == null ? new Held() : held;
            if (h.count(now) < limit) {
                taken[0] = new Slot(u, now);
                h.unclaimed.addLast(taken[0]);
            }
            return h.orNullIfEmpty();
        });
        return taken[0];
    }

    /** The connection opened: its slot now lasts until {@link #release}. False if it lapsed and the user is full. */
    public boolean claim(Slot slot) {
        if (slot == null) {
            return true; // no upgrade check ran for this connection: nothing to count it against
        }
        long now = System.nanoTime();
        boolean[] claimed = new boolean[1];
        users.compute(slot.user, (u, held) -> {
            Held h = held == null ? new Held() : held;
            if (slot.state == State.UNCLAIMED && h.unclaimed.remove(slot)
                    || slot.state == State.LAPSED && h.count(now) < limit) {
                slot.state = State.OPEN;
                h.open++;
                claimed[0] = true;
            }
            return h.orNullIfEmpty();
        });
        return claimed[0];
    }

    /** Gives the slot back (the connection closed); a second call, or one for a lapsed slot, does nothing. */
    public void release(Slot slot) {
        if (slot == null) {
            return;
        }
        users.computeIfPresent(slot.user, (u, h) -> {
            if (slot.state == State.OPEN) {
                h.open--;
            } else if (slot.state == State.UNCLAIMED) {
                h.unclaimed.remove(slot);
            }
            slot.state = State.RELEASED;
            return h.orNullIfEmpty();
        });
    }

    /** Forgets the users whose only slots have lapsed, so their entries do not pile up. */
    @Scheduled(every = "${herald.limits.idle-check:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetLapsed() {
        long now = System.nanoTime();
        for (String user : users.keySet()) {
            users.computeIfPresent(user, (u, h) -> {
                h.count(now);
                return h.orNullIfEmpty();
            });
        }
    }
}
