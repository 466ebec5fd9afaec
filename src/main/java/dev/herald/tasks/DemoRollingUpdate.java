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
    private final DemoStartLimit limit;

    DemoRollingUpdate(TaskRelay relay, Vertx vertx, TaskConfig config) {
        this.relay = relay;
        this.vertx = vertx;
        this.config = config;
        this.limit = new DemoStartLimit(config.demoStartsPerMinute());
    }

    /**
     * Starts a job for {@code owner}, counted against {@code startedBy}'s quota; past it a 429 that says when the
     * next start is allowed.
     */
    public java.util.concurrent.CompletionStage<TaskView> start(String startedBy, String owner, int hosts) {
        long wait = limit.tryStart(startedBy, System.currentTimeMillis());
        if (wait > 0) {
            throw new TaskRejected(429, null, "at most " + config.demoStartsPerMinute() + " demo jobs per minute per "
                    + "user; try again in " + wait + " s");
        }
        return relay.create(owner, "Rolling update of " + hosts + " hosts (demo)", hosts).thenApply(task -> {
            step(task.id(), hosts, 0);
            return task;
        });
    }

    /**
     * Step {@code n} of {@code hosts * STEPS.length}; each waits on a timer, never holding a thread, then reports on a
     * worker thread (the task store may be Redis, whose calls wait for their answer).
     */
    private void step(String id, int hosts, int n) {
        vertx.setTimer(config.demoStep().toMillis(), t -> vertx.executeBlocking(() -> {
            int host = n / STEPS.length + 1;
            int phase = n % STEPS.length;
            boolean hostDone = phase == STEPS.length - 1;
            boolean last = hostDone && host == hosts;
            relay.report(id, hostDone ? host : null, STEPS[phase] + " host-" + host, last ? "succeeded" : null);
            if (!last) {
                step(id, hosts, n + 1);
            }
            return null;
        }));
    }
}
