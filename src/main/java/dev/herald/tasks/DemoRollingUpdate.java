package dev.herald.tasks;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.Vertx;

/**
 * DEMO ONLY: a simulated rolling update over N hosts (the job of seed 004), so that a newcomer sees the whole
 * task flow in dev mode. It reports through {@link TaskRelay}, exactly as a real back-end job does over HTTP.
 */
@ApplicationScoped
public class DemoRollingUpdate {

    private static final String[] STEPS = { "draining", "updating", "health check passed on" };

    private final TaskRelay relay;
    private final Vertx vertx;
    private final TaskConfig config;

    DemoRollingUpdate(TaskRelay relay, Vertx vertx, TaskConfig config) {
        this.relay = relay;
        this.vertx = vertx;
        this.config = config;
    }

    public TaskView start(String owner, int hosts) {
        TaskView task = relay.create(owner, "Rolling update of " + hosts + " hosts (demo)", hosts);
        step(task.id(), hosts, 0);
        return task;
    }

    /** Step {@code n} of {@code hosts * STEPS.length}; each runs on a timer, never blocking a thread. */
    private void step(String id, int hosts, int n) {
        vertx.setTimer(config.demoStep().toMillis(), t -> {
            int host = n / STEPS.length + 1;
            int phase = n % STEPS.length;
            boolean hostDone = phase == STEPS.length - 1;
            boolean last = hostDone && host == hosts;
            relay.report(id, hostDone ? host : null, STEPS[phase] + " host-" + host, last ? "succeeded" : null);
            if (!last) {
                step(id, hosts, n + 1);
            }
        });
    }
}
