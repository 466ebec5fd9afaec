package dev.herald.delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * When what the engine was given is safe: an ack, a 201 or a 200 waits for {@link #committed()}. The memory engine
 * has nothing to wait for ({@link #AT_ONCE}: nothing survives a restart anyway); with a data directory writes are
 * group-committed to disk, and {@link #committed()} completes with the commit that covers them.
 */
public interface Durability {

    /** Writes are as safe as they will ever be when they return: the memory engine (and an engine that waits itself). */
    Durability AT_ONCE = new Durability() {
        private final CompletableFuture<Void> done = CompletableFuture.completedFuture(null);

        @Override
        public boolean atOnce() {
            return true;
        }

        @Override
        public CompletionStage<Void> committed() {
            return done;
        }

        @Override
        public <T> T atomically(Supplier<T> writes) {
            return writes.get();
        }
    };

    /** True when there is never anything to wait for (callers skip {@link #committed()} on hot paths). */
    boolean atOnce();

    /** Completes once everything written before this call is on disk (by the store's commit policy). */
    CompletionStage<Void> committed();

    /**
     * Runs writes that must reach the disk together: a crash keeps all of them or none (a scheduled message's fire:
     * the stream appends and its state). Only what {@code writes} does before it returns is covered.
     */
    <T> T atomically(Supplier<T> writes);

    default void atomically(Runnable writes) {
        atomically(() -> {
            writes.run();
            return null;
        });
    }
}
