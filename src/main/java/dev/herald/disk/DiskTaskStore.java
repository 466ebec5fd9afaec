package dev.herald.disk;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.tasks.MemoryTaskStore;
import dev.herald.tasks.TaskEvent;
import dev.herald.tasks.TaskRelay;
import dev.herald.tasks.TaskStatus;
import dev.herald.tasks.TaskStore;
import dev.herald.tasks.TaskView;

/**
 * Tasks in the data directory: the memory store stays the working set, every change is written through — a task's
 * state by id ({@code tasks}) and each event by task and sequence number ({@code task-events}), so an event costs
 * one small write whatever the length of the log. A task frame goes out once its event is on disk.
 */
@Singleton
@Typed(DiskTaskStore.class) // injected through dev.herald.engine.Engines as its interface
public class DiskTaskStore implements TaskStore {

    private static final int FORMAT = 1;

    private final DataDirectory dir;
    private final MemoryTaskStore memory;

    public DiskTaskStore(DataDirectory dir, MemoryTaskStore memory) {
        this.dir = dir;
        this.memory = memory;
        memory.restore(dir.reading(this::read));
    }

    /** Every stored task with its log, oldest first. */
    private List<TaskView> read() {
        Map<String, List<TaskEvent>> events = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : dir.taskEvents.entrySet()) { // in key order: by task, then by seq
            String id = e.getKey().substring(0, e.getKey().indexOf('/'));
            events.computeIfAbsent(id, k -> new ArrayList<>()).add(event(e.getValue()));
        }
        List<TaskView> tasks = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : dir.tasks.entrySet()) {
            tasks.add(task(e.getValue(), events.getOrDefault(e.getKey(), List.of())));
        }
        tasks.sort(Comparator.comparing(TaskView::createdAt).thenComparing(TaskView::id));
        return tasks;
    }

    @Override
    public void add(TaskView task) {
        memory.add(task);
        byte[] value = bytes(task);
        dir.write(() -> dir.tasks.put(task.id(), value));
    }

    @Override
    public TaskView append(String id, Report report, int maxEvents, BiConsumer<TaskView, TaskEvent> inOrder) {
        return memory.append(id, report, maxEvents, (state, event) -> {
            byte[] task = bytes(state), stored = bytes(event);
            dir.write(new DataDirectory.Write() { // queued under the task's lock: in log order
                @Override
                public void apply() {
                    dir.tasks.put(id, task);
                    dir.taskEvents.put(eventKey(id, event.seq()), stored);
                }

                @Override
                public void committed() {
                    inOrder.accept(state, event);
                }
            });
        });
    }

    @Override
    public Optional<TaskView> get(String id) {
        return memory.get(id);
    }

    @Override
    public List<TaskView> ownedBy(String owner, TaskRelay.Position after, int max) {
        return memory.ownedBy(owner, after, max);
    }

    @Override
    public List<String> forgetOldFinished(int keep) {
        List<String> forgotten = memory.forgetOldFinished(keep);
        for (String id : forgotten) {
            dir.write(() -> {
                dir.tasks.remove(id);
                String from = id + "/";
                for (String key = dir.taskEvents.ceilingKey(from); key != null && key.startsWith(from);
                        key = dir.taskEvents.higherKey(key)) {
                    dir.taskEvents.remove(key);
                }
            });
        }
        return forgotten;
    }

    /** Sorts by task, then by sequence number. */
    private static String eventKey(String id, int seq) {
        return id + "/" + String.format("%010d", seq);
    }

    private static byte[] bytes(TaskView t) {
        return new Bytes.Out(FORMAT, 128).str(t.id()).str(t.owner()).str(t.title()).int32(t.total()).i32(t.progress())
                .str(t.status().wire()).instant(t.createdAt()).instant(t.updatedAt()).bytes();
    }

    private static byte[] bytes(TaskEvent e) {
        return new Bytes.Out(FORMAT, 64).i32(e.seq()).instant(e.at()).int32(e.progress()).str(e.line())
                .str(e.status() == null ? null : e.status().wire()).bytes();
    }

    private static TaskView task(byte[] value, List<TaskEvent> events) {
        Bytes.In in = new Bytes.In(value);
        return new TaskView(in.str(), in.str(), in.str(), in.int32(), in.i32(), 0, TaskStatus.parse(in.str()),
                in.instant(), in.instant(), events);
    }

    private static TaskEvent event(byte[] value) {
        Bytes.In in = new Bytes.In(value);
        int seq = in.i32();
        var at = in.instant();
        Integer progress = in.int32();
        String line = in.str();
        String status = in.str();
        return new TaskEvent(seq, at, progress, line, status == null ? null : TaskStatus.parse(status));
    }
}
