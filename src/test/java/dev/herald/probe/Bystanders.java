package dev.herald.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;

import dev.herald.support.TestSocket;
import io.vertx.core.json.JsonObject;

/**
 * Well-behaved users beside an attack: each sends itself a message with a {@code ref} every 100 ms (inside the
 * production rate limit) while the attack runs; afterwards every one of them must have got every ack and every
 * message, and none may have been closed.
 */
final class Bystanders implements AutoCloseable {

    private final List<TestSocket> sockets = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger sent = new AtomicInteger();

    Bystanders(URI base, int count) {
        for (int i = 0; i < count; i++) {
            names.add("bystander" + i);
            sockets.add(TestSocket.user(base, names.get(i)));
        }
        beat.scheduleAtFixedRate(this::beat, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        int ref = sent.incrementAndGet();
        for (int i = 0; i < sockets.size(); i++) {
            sockets.get(i).send(new JsonObject().put("type", "send").put("to", names.get(i)).put("text", "beat " + ref)
                    .put("ref", ref));
        }
    }

    /** Stops beating and checks that each bystander got an ack and its message for every beat, and is still open. */
    void assertUnaffected() throws InterruptedException {
        Awaitility.await().until(() -> sent.get() >= 20); // at least 2 s of traffic, however short the attack
        beat.shutdown();
        assertThat(beat.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        int beats = sent.get();
        for (TestSocket s : sockets) {
            Awaitility.await().until(() -> s.ofType("ack").size() >= beats && s.messages().size() >= beats);
            assertThat(s.ofType("ack")).hasSize(beats);
            assertThat(s.messages()).hasSize(beats);
            assertThat(s.ofType("error")).isEmpty();
            assertThat(s.isClosed()).isFalse();
        }
    }

    @Override
    public void close() {
        beat.shutdownNow();
        sockets.forEach(TestSocket::close);
    }
}
