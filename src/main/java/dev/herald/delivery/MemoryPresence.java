package dev.herald.delivery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.ops.HeraldMetrics;
import io.micrometer.core.instrument.Gauge;

/**
 * Presence of this process's connections: one process is the whole site. A user's changes are announced under a
 * lock striped by user, so that an offline event never overtakes the online event before it.
 */
@Singleton
@Typed(MemoryPresence.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryPresence implements Presence {

    private static final CompletionStage<Boolean> TRUE = CompletableFuture.completedFuture(true);
    private static final CompletionStage<Boolean> FALSE = CompletableFuture.completedFuture(false);

    /** Open connections per online user. */
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final AtomicInteger onlineCount = new AtomicInteger();
    private final ReentrantLock[] stripes = new ReentrantLock[256];
    private final PresenceFanout fanout;

    MemoryPresence(PresenceFanout fanout, HeraldMetrics metrics) {
        this.fanout = fanout;
        Gauge.builder("herald.users.online", onlineCount, AtomicInteger::get)
                .description("Users with at least one connection").register(metrics.registry());
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    private ReentrantLock stripe(String user) {
        return stripes[user.hashCode() & (stripes.length - 1)];
    }

    @Override
    public CompletionStage<Boolean> opened(String user) {
        ReentrantLock lock = stripe(user);
        lock.lock();
        try {
            boolean first = open.merge(user, 1, Integer::sum) == 1;
            if (first) {
                fanout.userChanged(user, true, onlineCount.incrementAndGet());
            }
            return first ? TRUE : FALSE;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<Boolean> closed(String user) {
        ReentrantLock lock = stripe(user);
        lock.lock();
        try {
            Integer before = open.get(user);
            boolean last = before != null && open.computeIfPresent(user, (u, n) -> n > 1 ? n - 1 : null) == null;
            if (last) {
                fanout.userChanged(user, false, onlineCount.decrementAndGet());
            }
            return last ? TRUE : FALSE;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletionStage<Boolean> isOnline(String user) {
        return open.containsKey(user) ? TRUE : FALSE;
    }

    @Override
    public CompletionStage<Map<String, Boolean>> areOnline(Collection<String> users) {
        Map<String, Boolean> states = new java.util.LinkedHashMap<>();
        users.forEach(u -> states.put(u, open.containsKey(u)));
        return CompletableFuture.completedFuture(states);
    }

    @Override
    public CompletionStage<Online> online(int max) {
        List<String> some = new ArrayList<>(Math.min(max, open.size()));
        for (String user : open.keySet()) {
            if (some.size() >= max) {
                break;
            }
            some.add(user);
        }
        return CompletableFuture.completedFuture(new Online(some, open.size()));
    }

    @Override
    public CompletionStage<SortedMap<String, Integer>> connectionCounts(String after, int limit) {
        TreeMap<String, Integer> page = new TreeMap<>();
        for (Map.Entry<String, Integer> e : open.entrySet()) {
            if (after == null || e.getKey().compareTo(after) > 0) {
                page.put(e.getKey(), e.getValue());
                if (page.size() > limit) {
                    page.pollLastEntry();
                }
            }
        }
        return CompletableFuture.completedFuture(page);
    }
}
