package dev.herald.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.herald.connection.Connection;
import dev.herald.connection.LimitsConfig;
import dev.herald.connection.Transport;
import dev.herald.ops.HeraldMetrics;
import dev.herald.protocol.FrameEncoder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The memory engine's beans wired by hand, for unit tests of the seams that run in milliseconds. */
final class Seams {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    final DeliveryConfig config;
    final HeraldMetrics metrics = new HeraldMetrics(new SimpleMeterRegistry());
    final FrameEncoder encoder = new FrameEncoder(new ObjectMapper().findAndRegisterModules());
    final MemoryStreamStore streams;
    final Hub hub = new Hub(metrics);
    final MemoryBroker broker;
    static final io.vertx.core.Vertx VERTX = io.vertx.core.Vertx.vertx();
    final PresenceFanout fanout;
    final MemoryPresence presence;
    final DeliveryService delivery;

    Seams(int mailboxSize) {
        this(mailboxSize, CLOCK, null, Durability.AT_ONCE);
    }

    /** The memory engine writing through to {@code journal} (a data directory), or memory only when it is null. */
    Seams(int mailboxSize, Clock clock, StreamJournal journal, Durability durability) {
        this.config = new TestConfig(mailboxSize);
        this.streams = new MemoryStreamStore(config, clock, metrics, java.util.Optional.ofNullable(journal));
        this.fanout = new PresenceFanout(hub, encoder, config, VERTX);
        this.broker = new MemoryBroker(streams, hub, encoder, fanout, config);
        this.presence = new MemoryPresence(fanout, metrics);
        this.delivery = new DeliveryService(broker, streams, presence, durability, encoder, config, metrics, hub);
    }

    record TestConfig(int mailboxSize) implements DeliveryConfig {
        public Duration historyRetention() {
            return Duration.ofMinutes(10);
        }

        public Duration sweepEvery() {
            return Duration.ofMinutes(1);
        }

        public int presenceLimit() {
            return 500;
        }

        public int maxTextLength() {
            return 4096;
        }

        public Duration mailboxRetention() {
            return Duration.ofDays(7);
        }

        public int maxOfflineUsers() {
            return 10_000;
        }

        public Duration presenceInterval() {
            return Duration.ofHours(1); // tests flush by hand
        }

        public int roomMembersListed() {
            return 100;
        }
    }

    /**
     * Per-client limits at their defaults, but generous enough never to refuse a frame here. A proxy rather than a
     * class: ArC would take the validation annotations of a class implementing the interface for interceptors.
     */
    static final LimitsConfig LIMITS = (LimitsConfig) java.lang.reflect.Proxy.newProxyInstance(
            LimitsConfig.class.getClassLoader(), new Class<?>[] { LimitsConfig.class }, (proxy, method, args) -> {
                if (method.getName().equals("messagesPerSecond") || method.getName().equals("burst")) {
                    return 1_000_000;
                }
                String value = method.getAnnotation(io.smallrye.config.WithDefault.class).value();
                Class<?> type = method.getReturnType();
                if (type == int.class) {
                    return Integer.parseInt(value);
                }
                if (type == Duration.class) {
                    return io.quarkus.runtime.configuration.DurationConverter.parseDuration(value);
                }
                return new io.quarkus.runtime.configuration.MemorySizeConverter().convert(value);
            });

    /** A transport that keeps what it was given: the boundary where a socket would be. */
    static final class Recorded implements Transport {
        final List<String> frames = new CopyOnWriteArrayList<>();
        volatile int closedWith = -1;

        @Override
        public void send(String frame) {
            frames.add(frame);
        }

        @Override
        public void close(int code, String reason) {
            closedWith = code;
        }

        @Override
        public void onClosing(Runnable action) {
        }

        @Override
        public String remoteAddress() {
            return "test";
        }
    }

    static Connection connection(String id, String user, Recorded transport) {
        return new Connection(id, user, transport, LIMITS, null, 0);
    }

    /** A connection that asked not to be written what it sends ({@code ?echo=false}). */
    static Connection withoutEcho(String id, String user, Recorded transport) {
        return new Connection(id, user, transport, LIMITS, null, 0, false);
    }
}
