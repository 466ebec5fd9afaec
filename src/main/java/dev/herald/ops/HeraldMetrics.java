package dev.herald.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Herald's own meters, exported at {@code /q/metrics}: messages in and out by kind, errors by code, scheduling
 * lateness. Gauges over live state (connections, users online, pending, dropped) are registered by the beans that
 * own that state, through {@link #registry()}.
 */
@ApplicationScoped
public class HeraldMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> in = new ConcurrentHashMap<>();
    private final Map<String, Counter> out = new ConcurrentHashMap<>();
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Timer lateness;

    public HeraldMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lateness = Timer.builder("herald.schedule.lateness")
                .description("How long after its time a scheduled message was delivered")
                .publishPercentileHistogram().register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** A message accepted for delivery (from a socket, the API or the scheduler). */
    public void messageIn(String kind) {
        in.computeIfAbsent(kind, k -> Counter.builder("herald.messages.in").tag("kind", k)
                .description("Messages accepted for delivery").register(registry)).increment();
    }

    /** Message frames written to user streams for one delivery. */
    public void messagesOut(String kind, int streams) {
        out.computeIfAbsent(kind, k -> Counter.builder("herald.messages.out").tag("kind", k)
                .description("Messages appended to user streams").register(registry)).increment(streams);
    }

    public void error(String code) {
        errors.computeIfAbsent(code, c -> Counter.builder("herald.errors").tag("code", c)
                .description("Refused client frames and requests, by error code").register(registry)).increment();
    }

    public void lateness(Duration late) {
        lateness.record(late.isNegative() ? Duration.ZERO : late);
    }
}
