package dev.herald.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.herald.tasks.MemoryTaskStore;
import dev.herald.tasks.TaskEvent;
import dev.herald.tasks.TaskRejected;
import dev.herald.tasks.TaskStatus;
import dev.herald.tasks.TaskStore;
import dev.herald.tasks.TaskView;
import dev.herald.support.OpenDataDirectories;

/** Tasks written through to a data directory: state and log come back after a crash, in order, and stay bounded. */
class DataDirectoryTaskStoreTest {

    private static final Instant T = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path dir;

    @RegisterExtension
    final OpenDataDirectories opened = new OpenDataDirectories();

    private record Started(DataDirectory dir, DiskTaskStore store) {
    }

    private Started start() {
        DataDirectory d = opened.open(dir);
        return new Started(d, new DiskTaskStore(d, new MemoryTaskStore()));
    }

    private void kill(Started s) {
        s.dir().committed().toCompletableFuture().join();
        opened.abandon(s.dir());
    }

    private static TaskView task(String id, String owner, int minute) {
        Instant at = T.plusSeconds(60L * minute);
        return new TaskView(id, owner, "job " + id, 10, 0, 0, TaskStatus.RUNNING, at, at, List.of());
    }

    @Test
    void stateAndLogComeBackInOrderAndLiveFramesFollowTheCommit() {
        Started first = start();
        first.store().add(task("a", "ann", 0));
        List<Integer> pushed = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            first.store().append("a", new TaskStore.Report(T.plusSeconds(i), i, "step " + i, i == 10 ? TaskStatus.SUCCEEDED : null),
                    100, (view, event) -> pushed.add(event.seq()));
        }
        first.dir().committed().toCompletableFuture().join();
        assertThat(pushed).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        kill(first);

        Started second = start();
        TaskView a = second.store().get("a").orElseThrow();
        assertThat(a.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(a.progress()).isEqualTo(10);
        assertThat(a.percent()).isEqualTo(100);
        assertThat(a.events()).extracting(TaskEvent::seq).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(a.events().get(4).line()).isEqualTo("step 5");
        assertThatThrownBy(() -> second.store().append("a", new TaskStore.Report(T, null, "late", null), 100, (v, e) -> {
        })).isInstanceOf(TaskRejected.class);
    }

    @Test
    void forgottenTasksAreGoneFromDiskAndListsKeepTheirOrder() {
        Started first = start();
        for (int i = 0; i < 4; i++) {
            first.store().add(task("t" + i, "bob", i));
            first.store().append("t" + i, new TaskStore.Report(T, 10, null, TaskStatus.SUCCEEDED), 100, (v, e) -> {
            });
        }
        assertThat(first.store().forgetOldFinished(2)).containsExactly("t0", "t1");
        kill(first);

        Started second = start();
        assertThat(second.store().get("t0")).isEmpty();
        assertThat(second.store().ownedBy("bob", null, 10)).extracting(TaskView::id).containsExactly("t3", "t2");
    }
}
