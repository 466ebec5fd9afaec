package dev.herald.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.disk.DataDirectory;
import dev.herald.support.OpenDataDirectories;
import dev.herald.disk.DiskSchedule;

/**
 * The schedule store writing through to a data directory, restarted by hand: every state comes back as it was
 * committed, a claim alone is never on disk (a message firing at a crash is pending again), and of two states
 * written out of order the later transition wins.
 */
class DataDirectoryScheduleTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");
    private static final Recipient BOB = new Recipient("bob", null, false);

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenDataDirectories opened = new OpenDataDirectories();

    private record Started(DataDirectory dir, MemoryScheduleStore store, DiskSchedule journal) {
    }

    private Started start(Instant now) {
        DataDirectory d = opened.open(dir);
        DiskSchedule journal = new DiskSchedule(d);
        return new Started(d, new MemoryScheduleStore(new MemoryScheduleStoreTest.Config(10_000, 3),
                Optional.of(journal), Clock.fixed(now, ZoneOffset.UTC)), journal);
    }

    private void kill(Started s) {
        s.dir().committed().toCompletableFuture().join(); // what was written so far is on disk, then the crash
        opened.abandon(s.dir());
    }

    private static ScheduledMessage pending(String id, Instant at, CronSchedule cron) {
        return ScheduledMessage.pending(id, BOB, "herald", "text " + id, T, at, cron, false);
    }

    @Test
    void everyStateComesBackAndWhatWasFiringIsPendingAgain() {
        Started first = start(T);
        CronSchedule hourly = CronSchedule.parse("0 * * * *");
        first.store().add(pending("later", T.plusSeconds(3600), null));
        first.store().add(pending("cron", T.plusSeconds(60), hourly));
        first.store().add(pending("cancelled", T.plusSeconds(60), null));
        first.store().add(pending("done", T.plusSeconds(10), null));
        first.store().add(pending("firing", T.plusSeconds(20), null));
        first.store().cancel("cancelled");
        assertThat(first.store().claim("done")).isPresent();
        first.store().fired("done", T.plusSeconds(10), 1, null);
        assertThat(first.store().claimDue(T.plusSeconds(60), 10)).extracting(ScheduledMessage::id)
                .containsExactly("firing", "cron");
        first.store().fired("cron", T.plusSeconds(60), 1, T.plusSeconds(3600));
        // "firing" is being delivered when Herald dies
        kill(first);

        Started second = start(T.plusSeconds(61));
        MemoryScheduleStore store = second.store();
        assertThat(store.get("later").orElseThrow().status()).isEqualTo(Status.PENDING);
        assertThat(store.get("cancelled").orElseThrow().status()).isEqualTo(Status.CANCELLED);
        ScheduledMessage done = store.get("done").orElseThrow();
        assertThat(done.status()).isEqualTo(Status.DELIVERED);
        assertThat(done.deliveries()).isEqualTo(1);
        ScheduledMessage cron = store.get("cron").orElseThrow();
        assertThat(cron.status()).isEqualTo(Status.PENDING);
        assertThat(cron.deliveries()).isEqualTo(1);
        assertThat(cron.deliverAt()).isEqualTo(T.plusSeconds(3600));
        assertThat(cron.cron().expression()).isEqualTo("0 * * * *");
        // due while Herald was down: pending, flagged late, and due now
        ScheduledMessage firing = store.get("firing").orElseThrow();
        assertThat(firing.status()).isEqualTo(Status.PENDING);
        assertThat(firing.pastDue()).isTrue();
        assertThat(store.pendingCount()).isEqualTo(3);
        assertThat(store.claimDue(T.plusSeconds(61), 10)).extracting(ScheduledMessage::id).containsExactly("firing");
        assertThat(store.page(m -> true, null, 10)).extracting(ScheduledMessage::id)
                .containsExactlyInAnyOrder("later", "cron", "cancelled", "done", "firing");
    }

    @Test
    void ofTwoStatesWrittenOutOfOrderTheLaterTransitionIsKept() {
        Started first = start(T);
        ScheduledMessage m = first.store().add(pending("cron", T.plusSeconds(1), CronSchedule.parse("* * * * *")));
        ScheduledMessage once = m.fired(T.plusSeconds(1), 1, T.plusSeconds(60));
        ScheduledMessage twice = once.fired(T.plusSeconds(60), 1, T.plusSeconds(120));
        first.journal().write(twice);
        first.journal().write(once); // a slower thread queues the earlier occurrence's state last
        kill(first);

        Started second = start(T.plusSeconds(61));
        assertThat(second.store().get("cron").orElseThrow().deliveries()).isEqualTo(2);
    }

    @Test
    void finishedMessagesPastTheirBoundAreForgottenOnDiskToo() {
        Started first = start(T);
        for (int i = 0; i < 5; i++) {
            first.store().add(pending("m" + i, T.plusSeconds(1), null));
            first.store().cancel("m" + i);
        }
        kill(first);

        Started second = start(T);
        assertThat(second.store().page(m -> true, null, 10)).extracting(ScheduledMessage::id)
                .containsExactly("m2", "m3", "m4");
    }
}
