package dev.herald.tasks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Where tasks live: each task's state and event log, in snapshots ({@link TaskView}) in and out, never a task
 * object. {@link #append} is the one change of a task, atomic per task: the finished and event-limit checks, the
 * event's sequence number and the new state happen together, and {@code inOrder} sees the events of a task in log
 * order. The memory store keeps tasks in this process; with a data directory they are written through to disk; on
 * Redis they are shared by every node of the site. Calls may block (a round trip to Redis): call them off the event
 * loop.
 */
public interface TaskStore {

    /** One report of a job; the store numbers it. */
    record Report(Instant at, Integer progress, String line, TaskStatus status) {
    }

    /** Keeps a new task: {@code task} is its snapshot with no events yet. */
    void add(TaskView task);

    /**
     * Appends an event to a running task and runs {@code inOrder} with the task's new state (without its log) and the
     * event, in the task's log order (with a data directory, once the event is on disk).
     *
     * @throws TaskRejected 404 when there is no such task, 409 when it has finished or holds {@code maxEvents} events
     */
    TaskView append(String id, Report report, int maxEvents, BiConsumer<TaskView, TaskEvent> inOrder);

    /** A task with its whole log. */
    Optional<TaskView> get(String id);

    /** A task's state without its log (what a report is checked against): cheaper than {@link #get} off-process. */
    default Optional<TaskView> state(String id) {
        return get(id);
    }

    /** Up to {@code max} of the owner's tasks, newest first, after {@code after} (from the newest when null). */
    List<TaskView> ownedBy(String owner, TaskRelay.Position after, int max);

    /** Forgets the oldest finished tasks while more than {@code keep} are stored; returns their ids. */
    List<String> forgetOldFinished(int keep);
}
