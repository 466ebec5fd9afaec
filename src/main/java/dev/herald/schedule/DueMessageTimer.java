package dev.herald.schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Fires scheduled messages on time. A dedicated thread sleeps exactly until the next due message (quarkus-scheduler
 * checks its triggers once a second, too coarse for "within 100 ms"); the {@link #sweep()} job of quarkus-scheduler
 * fires anything that thread has not, so a stalled or late tick never loses a message.
 */
@ApplicationScoped
public class DueMessageTimer {

    private static final Logger LOG = Logger.getLogger(DueMessageTimer.class);

    private final ScheduleService service;
    private final Wakeup wakeup;
    private final Clock clock;
    private final Duration maxSleep;
    private volatile boolean running;
    private Thread thread;

    DueMessageTimer(ScheduleService service, Wakeup wakeup, Clock clock, ScheduleConfig config) {
        this.service = service;
        this.wakeup = wakeup;
        this.clock = clock;
        this.maxSleep = config.maxSleep();
    }

    void start(@Observes StartupEvent event) {
        running = true;
        thread = Thread.ofPlatform().name("herald-due-messages").daemon().start(this::run);
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        wakeup.wake();
        thread.join(2000);
    }

    private void run() {
        while (running) {
            try {
                service.fireDue();
                wakeup.await(sleepNanos());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("firing due messages failed; retrying", e);
            }
        }
    }

    private long sleepNanos() {
        return sleepNanos(clock.instant(), service.nextDue(), maxSleep);
    }

    /**
     * How long to sleep from {@code now} until {@code next} (null: nothing pending), at most {@code maxSleep}. Compared
     * as durations before converting: nanoseconds overflow a long for times more than 292 years away.
     */
    static long sleepNanos(Instant now, Instant next, Duration maxSleep) {
        if (next == null) {
            return maxSleep.toNanos();
        }
        Duration until = Duration.between(now, next);
        return until.isNegative() ? 0 : until.compareTo(maxSleep) > 0 ? maxSleep.toNanos() : until.toNanos();
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        int fired = service.fireDue();
        if (fired > 0) {
            LOG.debugf("sweep fired %d due messages", fired);
        }
    }
}
