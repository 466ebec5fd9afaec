package dev.herald.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.delivery.DeliveryService;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import dev.herald.delivery.MessageRules;

/**
 * Relays the progress of long-running back-end jobs (seed 004) to their owner's browsers: a job reports events,
 * each is kept in the task's log and pushed live as a {@code task} frame; a page that opens later reads the
 * whole state back, so a reload or a dropped connection loses nothing.
 */
@ApplicationScoped
public class TaskRelay {

    private static final int MAX_TITLE = 200;

    private final Map<String, Task> tasks = new ConcurrentHashMap<>();
    private final Queue<String> creationOrder = new ConcurrentLinkedQueue<>();
    private final DeliveryService delivery;
    private final FrameEncoder encoder;
    private final MessageRules rules;
    private final TaskConfig config;
    private final Clock clock;

    TaskRelay(DeliveryService delivery, FrameEncoder encoder, MessageRules rules, TaskConfig config, Clock clock) {
        this.delivery = delivery;
        this.encoder = encoder;
        this.rules = rules;
        this.config = config;
        this.clock = clock;
    }

    public TaskView create(String owner, String title, Integer total) {
        rules.user("owner", owner);
        if (title == null || title.isBlank()) {
            throw new TaskRejected(400, "title", "'title' is required");
        }
        if (title.length() > MAX_TITLE) {
            throw new TaskRejected(400, "title", "'title' is longer than " + MAX_TITLE + " characters");
        }
        if (total != null && total < 1) {
            throw new TaskRejected(400, "total", "'total' must be at least 1");
        }
        Task task = new Task(UUID.randomUUID().toString(), owner, title, total, clock.instant());
        tasks.put(task.id, task);
        creationOrder.add(task.id);
        forgetOldFinished();
        return report(task.id, null, null, null, "created");
    }

    /** Appends an event and pushes it to the owner's connections; at least one part must be given. */
    public TaskView report(String id, Integer progress, String line, String status) {
        return report(id, progress, line, status == null ? null : parseStatus(status), null);
    }

    private TaskView report(String id, Integer progress, String line, TaskStatus status, String createdLine) {
        Task task = tasks.get(id);
        if (task == null) {
            throw new TaskRejected(404, null, "no task " + id);
        }
        if (createdLine == null && progress == null && line == null && status == null) {
            throw new TaskRejected(400, "progress", "an event needs at least one of 'progress', 'line' and 'status'");
        }
        if (progress != null && (progress < 0 || progress > task.maxProgress())) {
            throw new TaskRejected(400, "progress", "'progress' must be between 0 and " + task.maxProgress());
        }
        if (line != null && line.length() > rules.maxTextLength()) {
            throw new TaskRejected(400, "line", "'line' is longer than " + rules.maxTextLength() + " characters");
        }
        task.lock.lock();
        try {
            if (task.status().finished()) {
                throw new TaskRejected(409, null, "task " + id + " has already " + task.status().wire());
            }
            if (task.eventCount() >= config.maxEvents()) {
                throw new TaskRejected(409, null, "task " + id + " has reached its limit of " + config.maxEvents() + " events");
            }
            TaskEvent event = task.append(clock.instant(), progress, createdLine != null ? createdLine : line, status);
            TaskView view = task.view(false);
            // Pushed under the task's lock, so the owner's tabs see events in log order.
            delivery.push(task.owner, encoder.json(new ServerFrame.Task<>(view, event)));
            return view;
        } finally {
            task.lock.unlock();
        }
    }

    private static TaskStatus parseStatus(String value) {
        TaskStatus status = TaskStatus.parse(value);
        if (status == null) {
            throw new TaskRejected(400, "status", "'status' must be one of running, succeeded, failed");
        }
        return status;
    }

    public TaskView get(String id) {
        Task task = tasks.get(id);
        if (task == null) {
            throw new TaskRejected(404, null, "no task " + id);
        }
        return snapshot(task);
    }

    /** Where a task stands in an owner's list: newest first, ties by id. */
    public record Position(Instant createdAt, String id) {
        static final Comparator<Position> NEWEST_FIRST = Comparator.comparing(Position::createdAt).reversed()
                .thenComparing(Position::id);
    }

    /**
     * Up to {@code max} of the owner's tasks, newest first, after {@code after} (from the newest when null), each
     * with its whole log.
     */
    public List<TaskView> ownedBy(String owner, Position after, int max) {
        return tasks.values().stream().filter(t -> t.owner.equals(owner))
                .filter(t -> after == null || Position.NEWEST_FIRST.compare(position(t), after) > 0)
                .sorted(Comparator.comparing(TaskRelay::position, Position.NEWEST_FIRST))
                .limit(max).map(TaskRelay::snapshot).toList();
    }

    private static Position position(Task t) {
        return new Position(t.createdAt, t.id);
    }

    private static TaskView snapshot(Task task) {
        task.lock.lock();
        try {
            return task.view(true);
        } finally {
            task.lock.unlock();
        }
    }

    private void forgetOldFinished() {
        int excess = tasks.size() - config.maxTasks();
        for (String id : creationOrder) {
            if (excess <= 0) {
                return;
            }
            Task t = tasks.get(id);
            if (t == null || t.status().finished()) {
                creationOrder.remove(id);
                if (t != null && tasks.remove(id) != null) {
                    excess--;
                }
            }
        }
    }
}
