package dev.herald.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

import io.vertx.core.json.JsonObject;

/** Waiting for frames, shared by the test clients ({@link TestSocket}, {@link EventStream}). */
final class FrameWait {

    private FrameWait() {
    }

    /** Awaitility polling every 10 ms from the start (its default waits 100 ms first: 100 s for 1 000 sockets). */
    static ConditionFactory waiting() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10));
    }

    /** Waits for the first of {@code frames} that matches and returns it. */
    static JsonObject first(Supplier<List<JsonObject>> frames, Predicate<JsonObject> condition, Duration atMost,
            String alias) {
        AtomicReference<JsonObject> found = new AtomicReference<>();
        waiting().atMost(atMost).alias(alias).until(() -> {
            for (JsonObject f : frames.get()) {
                if (condition.test(f)) {
                    found.set(f);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }
}
