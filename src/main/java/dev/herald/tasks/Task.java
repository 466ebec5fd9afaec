package dev.herald.tasks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/** A long-running back-end job's state and event log in memory; a per-task lock keeps events and frames in order. */
final class Task {

    final String id;
    final String owner;
    final String title;
    final Integer total;
    final Instant createdAt;
    final ReentrantLock lock = new ReentrantLock();
    private final List<TaskEvent> events = new ArrayList<>();
    private int progress;
    private TaskStatus status = TaskStatus.RUNNING;
    private Instant updatedAt;

    Task(String id, String owner, String title, Integer total, Instant createdAt) {
        this.id = id;
        this.owner = owner;
        this.title = title;
        this.total = total;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    /** A task read back from a snapshot with its log (a data directory at start). */
    static Task of(TaskView view) {
        Task t = new Task(view.id(), view.owner(), view.title(), view.total(), view.createdAt());
        if (view.events() != null) {
            t.events.addAll(view.events());
        }
        t.progress = view.progress();
        t.status = view.status();
        t.updatedAt = view.updatedAt();
        return t;
    }

    /** Appends an event; the caller holds {@link #lock} and has validated it. */
    TaskEvent append(Instant at, Integer newProgress, String line, TaskStatus newStatus) {
        TaskEvent event = new TaskEvent(events.size() + 1, at, newProgress, line, newStatus);
        events.add(event);
        if (newProgress != null) {
            progress = newProgress;
        }
        if (newStatus != null) {
            status = newStatus;
        }
        updatedAt = at;
        return event;
    }

    TaskStatus status() {
        return status;
    }

    int eventCount() {
        return events.size();
    }

    /** A snapshot; with or without the event log. Call with {@link #lock} held. */
    TaskView view(boolean withEvents) {
        return new TaskView(id, owner, title, total, progress, TaskView.percent(progress, total), status, createdAt, updatedAt,
                withEvents ? List.copyOf(events) : null);
    }
}
