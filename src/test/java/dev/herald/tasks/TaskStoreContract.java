package dev.herald.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskStore} does, whatever keeps the tasks: an append is atomic per task (checks, sequence number
 * and state together), a store sees its own appends in log order, owners page their tasks newest first, the oldest
 * finished tasks are forgotten first. {@link #store()} and {@link #otherNode()} are two nodes of one site: the same
 * store in one process, two stores on one Redis. Each test starts on an empty site.
 */
public abstract class TaskStoreContract {

    protected static final Instant T = Instant.parse("2030-01-01T00:00:00.123456789Z");

    protected abstract TaskStore store();

    /** Another node of the same site. */
    protected abstract TaskStore otherNode();

    protected static String unique(String name) {
        return name + "-" + UUID.randomUUID();
    }

    protected static TaskView task(String id, String owner, Integer total, Instant at) {
        return new TaskView(id, owner, "job " + id, total, 0, 0, TaskStatus.RUNNING, at, at, List.of());
    }

    private static TaskStore.Report report(int second, Integer progress, String line, TaskStatus status) {
        return new TaskStore.Report(T.plusSeconds(second), progress, line, status);
    }

    @Test
    void appendsAreNumberedAndTheWholeLogReadsBackFromEveryNode() {
        String id = unique("t"), owner = unique("ann");
        store().add(task(id, owner, 4, T));
        List<TaskEvent> seen = new ArrayList<>();
        TaskView state = store().append(id, report(1, null, "created", null), 100, (v, e) -> seen.add(e));
        assertThat(state.events()).isNull();
        otherNode().append(id, report(2, 1, "host-1 updated", null), 100, (v, e) -> seen.add(e));
        TaskView last = store().append(id, report(3, 4, "all done", TaskStatus.SUCCEEDED), 100, (v, e) -> {
            assertThat(v.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(v.percent()).isEqualTo(100);
            seen.add(e);
        });
        assertThat(seen).extracting(TaskEvent::seq).containsExactly(1, 2, 3);
        assertThat(last.progress()).isEqualTo(4);
        assertThat(last.updatedAt()).isEqualTo(T.plusSeconds(3));

        for (TaskStore node : List.of(store(), otherNode())) {
            TaskView read = node.get(id).orElseThrow();
            assertThat(read.owner()).isEqualTo(owner);
            assertThat(read.title()).isEqualTo("job " + id);
            assertThat(read.total()).isEqualTo(4);
            assertThat(read.createdAt()).isEqualTo(T);
            assertThat(read.status()).isEqualTo(TaskStatus.SUCCEEDED);
            assertThat(read.events()).containsExactly(
                    new TaskEvent(1, T.plusSeconds(1), null, "created", null),
                    new TaskEvent(2, T.plusSeconds(2), 1, "host-1 updated", null),
                    new TaskEvent(3, T.plusSeconds(3), 4, "all done", TaskStatus.SUCCEEDED));
            assertThat(node.state(id).orElseThrow().progress()).isEqualTo(4);
        }
    }

    @Test
    void badAppendsAreRefusedTheSameOnEveryNodeAndChangeNothing() {
        String id = unique("t"), full = unique("full"), owner = unique("bob");
        store().add(task(id, owner, null, T));
        store().append(id, report(1, 50, "half", null), 100, (v, e) -> {
        });
        store().append(id, report(2, null, null, TaskStatus.FAILED), 100, (v, e) -> {
        });
        store().add(task(full, owner, null, T));
        for (int i = 0; i < 3; i++) {
            store().append(full, report(i, i, null, null), 3, (v, e) -> {
            });
        }
        List<TaskEvent> pushed = new CopyOnWriteArrayList<>();
        for (TaskStore node : List.of(store(), otherNode())) {
            assertThatThrownBy(() -> node.append("no-such-" + id, report(3, 1, null, null), 100, (v, e) -> pushed.add(e)))
                    .isInstanceOfSatisfying(TaskRejected.class, r -> {
                        assertThat(r.status()).isEqualTo(404);
                        assertThat(r.getMessage()).isEqualTo("no task no-such-" + id);
                    });
            assertThatThrownBy(() -> node.append(id, report(3, 60, null, null), 100, (v, e) -> pushed.add(e)))
                    .isInstanceOfSatisfying(TaskRejected.class, r -> {
                        assertThat(r.status()).isEqualTo(409);
                        assertThat(r.getMessage()).isEqualTo("task " + id + " has already failed");
                    });
            assertThatThrownBy(() -> node.append(full, report(3, 60, null, null), 3, (v, e) -> pushed.add(e)))
                    .isInstanceOfSatisfying(TaskRejected.class, r -> {
                        assertThat(r.status()).isEqualTo(409);
                        assertThat(r.getMessage()).isEqualTo("task " + full + " has reached its limit of 3 events");
                    });
            assertThat(node.get("no-such-" + id)).isEmpty();
            assertThat(node.state("no-such-" + id)).isEmpty();
        }
        assertThat(pushed).isEmpty();
        TaskView failed = otherNode().get(id).orElseThrow();
        assertThat(failed.progress()).isEqualTo(50);
        assertThat(failed.percent()).isEqualTo(50);
        assertThat(failed.events()).hasSize(2);
        assertThat(otherNode().get(full).orElseThrow().events()).hasSize(3);
    }

    /** Jobs posting at once, on two nodes: no sequence number twice, and each node sees its own in log order. */
    @Test
    void concurrentAppendsOnTwoNodesGetDistinctNumbersSeenInLogOrder() throws Exception {
        String id = unique("t");
        store().add(task(id, unique("cy"), 400, T));
        List<Integer> onA = Collections.synchronizedList(new ArrayList<>());
        List<Integer> onB = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int n = i;
                TaskStore node = n % 2 == 0 ? store() : otherNode();
                List<Integer> seen = n % 2 == 0 ? onA : onB;
                jobs.add(pool.submit(() -> node.append(id, report(n, n, "step " + n, null), 1000,
                        (v, e) -> seen.add(e.seq()))));
            }
            for (Future<?> job : jobs) {
                job.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Integer> all = new ArrayList<>(onA);
        all.addAll(onB);
        assertThat(onA).isSorted();
        assertThat(onB).isSorted();
        assertThat(all).doesNotHaveDuplicates().hasSize(200);
        assertThat(store().get(id).orElseThrow().events()).extracting(TaskEvent::seq)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 200).boxed().toList());
    }

    @Test
    void anOwnersTasksComeNewestFirstPageByPage() {
        String owner = unique("dee"), other = unique("eve");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = unique("t" + i);
            ids.add(id);
            (i % 2 == 0 ? store() : otherNode()).add(task(id, owner, null, T.plusSeconds(i)));
        }
        String a = "a-" + unique("tie"), b = "b-" + unique("tie"); // created at the same instant: by id
        store().add(task(b, owner, null, T.plusSeconds(10)));
        otherNode().add(task(a, owner, null, T.plusSeconds(10)));
        store().add(task(unique("x"), other, null, T.plusSeconds(20)));

        List<TaskView> first = otherNode().ownedBy(owner, null, 3);
        assertThat(first).extracting(TaskView::id).containsExactly(a, b, ids.get(4));
        assertThat(first).allSatisfy(t -> assertThat(t.events()).isEmpty());
        TaskView last = first.get(2);
        List<TaskView> second = store().ownedBy(owner, new TaskRelay.Position(last.createdAt(), last.id()), 3);
        assertThat(second).extracting(TaskView::id).containsExactly(ids.get(3), ids.get(2), ids.get(1));
        TaskView end = second.get(2);
        assertThat(store().ownedBy(owner, new TaskRelay.Position(end.createdAt(), end.id()), 3))
                .extracting(TaskView::id).containsExactly(ids.get(0));
        assertThat(store().ownedBy(owner, new TaskRelay.Position(T.plusSeconds(10), a), 1))
                .extracting(TaskView::id).containsExactly(b);
    }

    @Test
    void forgetsTheOldestFinishedTasksSiteWide() {
        String owner = unique("fay");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = "f" + i + "-" + unique("t");
            ids.add(id);
            TaskStore node = i % 2 == 0 ? store() : otherNode();
            node.add(task(id, owner, null, T.plusSeconds(i)));
            if (i != 1) { // f1 keeps running
                node.append(id, report(i, 100, null, TaskStatus.SUCCEEDED), 10, (v, e) -> {
                });
            }
        }
        assertThat(store().forgetOldFinished(6)).isEmpty();
        assertThat(otherNode().forgetOldFinished(3)).containsExactly(ids.get(0), ids.get(2), ids.get(3));
        for (TaskStore node : List.of(store(), otherNode())) {
            assertThat(node.get(ids.get(0))).isEmpty();
            assertThat(node.get(ids.get(1))).isPresent();
            assertThat(node.ownedBy(owner, null, 10)).extracting(TaskView::id)
                    .containsExactly(ids.get(5), ids.get(4), ids.get(1));
        }
        assertThatThrownBy(() -> store().append(ids.get(2), report(9, 1, null, null), 10, (v, e) -> {
        })).isInstanceOfSatisfying(TaskRejected.class, r -> assertThat(r.status()).isEqualTo(404));
        assertThat(store().forgetOldFinished(1)).containsExactly(ids.get(4), ids.get(5));
        assertThat(otherNode().ownedBy(owner, null, 10)).extracting(TaskView::id).containsExactly(ids.get(1));
    }
}
