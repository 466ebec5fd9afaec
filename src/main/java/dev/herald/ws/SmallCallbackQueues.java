package dev.herald.ws;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * websockets-next gives every connection a queue for callbacks waiting on the one in progress (its
 * {@code ConcurrencyLimiter}), a Mutiny unbounded queue that allocates its first chunk at once, sized by Mutiny's
 * "small buffer" setting: 256 slots, about 1 KB of heap per idle socket for a queue that is empty nearly always.
 * Herald sets that size to 16 (the smallest {@code -Dmutiny.buffer-size.s} accepts; an explicit property still wins):
 * a busier queue only links another chunk. Nothing else in Herald uses Mutiny's buffered {@code Multi} operators,
 * the other readers of this setting.
 */
@ApplicationScoped
public class SmallCallbackQueues {

    static final int SLOTS = 16;

    void onStart(@Observes StartupEvent event) {
        Infrastructure.setBufferSizeS(SLOTS);
    }
}
