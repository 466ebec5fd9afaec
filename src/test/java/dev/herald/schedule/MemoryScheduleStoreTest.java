package dev.herald.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The memory schedule store's transitions, without a server: what every store must keep. */
class MemoryScheduleStoreTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private static final Recipient BOB = new Recipient("bob", null, false);

    private final MemoryScheduleStore store = new MemoryScheduleStore(new Config(10_000, 10_000));

    record Config(int maxPending, int retainFinished) implements ScheduleConfig {
        public Duration maxSleep() {
            return Duration.ofMillis(250);
        }

        public Duration maxAhead() {
            return Duration.ofDays(3650);
        }
    }

    private ScheduledMessage add(String id, Instant at, CronSchedule cron) {
        return store.add(ScheduledMessage.pending(id, BOB, "herald", "text " + id, T, at, cron, false));
    }

    @Test
    void claimsOnlyWhatIsDueInTimeOrderAndEachOnce() {
        add("late", T.plusSeconds(3), null);
        add("early", T.plusSeconds(1), null);
        add("middle", T.plusSeconds(2), null);
        assertThat(store.claimDue(T, 10)).isEmpty();
        assertThat(store.nextDue()).isEqualTo(T.plusSeconds(1));
        assertThat(store.claimDue(T.plusSeconds(2), 10)).extracting(ScheduledMessage::id).containsExactly("early", "middle");
        assertThat(store.claimDue(T.plusSeconds(2), 10)).isEmpty();
        assertThat(store.get("early").orElseThrow().status()).isEqualTo(Status.FIRING);
        assertThat(store.fired("early", T.plusSeconds(2), 1, null).status()).isEqualTo(Status.DELIVERED);
        assertThat(store.pendingCount()).isEqualTo(2); // middle is firing, late is pending
    }

    @Test
    void aRecurringMessageIsPendingAndClaimableAgainOnceFired() throws Exception {
        CronSchedule everySecond = CronSchedule.parse("* * * * * ?");
        add("cron", T.plusSeconds(1), everySecond);
        List<ScheduledMessage> first = store.claimDue(T.plusSeconds(1), 10);
        assertThat(first).hasSize(1);
        // Another timer looking while it is being fired finds nothing to claim, even far ahead.
        assertThat(store.claimDue(T.plusSeconds(60), 10)).isEmpty();
        ScheduledMessage again = store.fired("cron", T.plusSeconds(1), 1, everySecond.next(T.plusSeconds(1)));
        assertThat(again.status()).isEqualTo(Status.PENDING);
        assertThat(again.deliverAt()).isEqualTo(T.plusSeconds(2));
        assertThat(again.deliveries()).isEqualTo(1);
        assertThat(store.claimDue(T.plusSeconds(2), 10)).extracting(ScheduledMessage::id).containsExactly("cron");
    }

    @Test
    void cancelWinsBeforeTheClaimAndLosesAfterIt() {
        add("a", T.plusSeconds(1), null);
        add("b", T.plusSeconds(1), null);
        assertThat(store.cancel("a")).isEqualTo(CancelOutcome.CANCELLED);
        assertThat(store.claimDue(T.plusSeconds(1), 10)).extracting(ScheduledMessage::id).containsExactly("b");
        store.fired("b", T.plusSeconds(1), 1, null);
        assertThat(store.cancel("b")).isEqualTo(CancelOutcome.TOO_LATE);
        assertThat(store.cancel("nope")).isEqualTo(CancelOutcome.NOT_FOUND);
        assertThat(store.pendingCount()).isZero();
        assertThat(store.nextDue()).isNull();
    }

    @Test
    void claimersRacingCancelsGiveEachMessageToExactlyOneOfThem() throws Exception {
        int n = 2000;
        for (int i = 0; i < n; i++) {
            add("m" + i, T.plusMillis(i % 50), null);
        }
        Map<String, String> outcome = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < 3; t++) {
            String claimer = "claimer" + t;
            pool.submit(() -> {
                go.await();
                List<ScheduledMessage> got;
                while (!(got = store.claimDue(T.plusSeconds(1), 7)).isEmpty()) {
                    for (ScheduledMessage m : got) {
                        if (outcome.putIfAbsent(m.id(), claimer) != null) {
                            throw new AssertionError(m.id() + " claimed twice");
                        }
                        store.fired(m.id(), T.plusSeconds(1), 1, null);
                    }
                }
                return null;
            });
        }
        pool.submit(() -> {
            go.await();
            for (int i = 0; i < n; i += 3) {
                if (store.cancel("m" + i) == CancelOutcome.CANCELLED && outcome.putIfAbsent("m" + i, "cancel") != null) {
                    throw new AssertionError("m" + i + " cancelled after a claim");
                }
            }
            return null;
        });
        go.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(outcome).hasSize(n);
        for (int i = 0; i < n; i++) {
            Status s = store.get("m" + i).map(ScheduledMessage::status).orElse(null);
            if (s != null) { // the oldest finished ones are forgotten past retain-finished
                assertThat(s).isEqualTo("cancel".equals(outcome.get("m" + i)) ? Status.CANCELLED : Status.DELIVERED);
            }
        }
        assertThat(store.pendingCount()).isZero();
    }

    @Test
    void boundedPendingAndRetainedFinished() {
        MemoryScheduleStore small = new MemoryScheduleStore(new Config(2, 3));
        small.add(ScheduledMessage.pending("a", BOB, "h", "x", T, T.plusSeconds(9), null, false));
        small.add(ScheduledMessage.pending("b", BOB, "h", "x", T, T.plusSeconds(9), null, false));
        assertThatThrownBy(() -> small.add(ScheduledMessage.pending("c", BOB, "h", "x", T, T.plusSeconds(9), null, false)))
                .isInstanceOf(StoreFull.class);
        List<String> delivered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ScheduledMessage now = ScheduledMessage.pending("now" + i, BOB, "h", "x", T, T, null, false).fired(T, 1, null);
            small.addDelivered(now);
            delivered.add(now.id());
        }
        assertThat(small.get("now0")).isEmpty();
        assertThat(small.get("now4")).isPresent();
        assertThat(small.page(m -> m.status() == Status.DELIVERED, null, 10)).hasSize(3);
    }
}
