package dev.herald.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/** Tasks in this process's memory; a task's lock makes each append atomic and keeps its events in order. */
@Singleton
@Typed(MemoryTaskStore.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryTaskStore implements TaskStore {

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Queue<String> creationOrder = new ConcurrentLinkedQueue<>();

    @Override
    public void add(TaskView task) {
        Task t = Task.of(task);
        tasks.put(t.id, t);
        creationOrder.add(t.id);
    }

    /** Takes back tasks read from a data directory, oldest first. */
    public void restore(List<TaskView> oldestFirst) {
        for (TaskView view : oldestFirst) {
            add(view);
        }
    }

    @Override
    public TaskView append(String id, Report report, int maxEvents, BiConsumer<TaskView, TaskEvent> inOrder) {
        Task task = tasks.get(id);
        if (task == null) {
            throw TaskRejected.unknown(id);
        }
        task.lock.lock();
        try {
            if (task.status().finished()) {
                throw TaskRejected.finished(id, task.status());
            }
            if (task.eventCount() >= maxEvents) {
                throw TaskRejected.full(id, maxEvents);
            }
            TaskEvent event = task.append(report.at(), report.progress(), report.line(), report.status());
            TaskView view = task.view(false);
            inOrder.accept(view, event); // under the task's lock: events reach their observers in log order
            return view;
        } finally {
            task.lock.unlock();
        }
    }

    @Override
    public Optional<TaskView> get(String id) {
        Task task = tasks.get(id);
        return task == null ? Optional.empty() : Optional.of(snapshot(task));
    }

    @Override
    public List<TaskView> ownedBy(String owner, TaskRelay.Position after, int max) {
        return tasks.values().stream().filter(t -> t.owner.equals(owner))
                .filter(t -> after == null || TaskRelay.Position.NEWEST_FIRST.compare(position(t), after) > 0)
                .sorted(Comparator.comparing(MemoryTaskStore::position, TaskRelay.Position.NEWEST_FIRST))
                .limit(max).map(MemoryTaskStore::snapshot).toList();
    }

    @Override
    public List<String> forgetOldFinished(int keep) {
        List<String> forgotten = new ArrayList<>();
        int excess = tasks.size() - keep;
        for (String id : creationOrder) {
            if (excess <= 0) {
                break;
            }
            Task t = tasks.get(id);
            if (t == null || t.status().finished()) {
                creationOrder.remove(id);
                if (t != null && tasks.remove(id) != null) {
                    forgotten.add(id);
                    excess--;
                }
            }
        }
        return forgotten;
    }

    private static TaskRelay.Position position(Task t) {
        return new TaskRelay.Position(t.createdAt, t.id);
    }

    private static TaskView snapshot(Task task) {
        task.lock.lock();
        try {
            return task.view(true);
        } finally {
            task.lock.unlock();
        }
    }
}
