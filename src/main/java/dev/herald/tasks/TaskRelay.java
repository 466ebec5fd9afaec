package dev.herald.tasks;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.context.ApplicationScoped;

import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.Durability;
import dev.herald.delivery.MessageRules;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;

/**
 * Relays the progress of long-running back-end jobs (seed 004) to their owner's browsers: a job reports events,
 * each is kept in the task's log ({@link TaskStore}) and pushed live as a {@code task} frame; a page that opens later
 * reads the whole state back, so a reload or a dropped connection loses nothing. A report is answered once it is
 * safe (with a data directory: on disk).
 */
@ApplicationScoped
public class TaskRelay {

    private static final int MAX_TITLE = 200;

    private final TaskStore store;
    private final Durability durability;
    private final DeliveryService delivery;
    private final FrameEncoder encoder;
    private final MessageRules rules;
    private final TaskConfig config;
    private final Clock clock;

    TaskRelay(TaskStore store, Durability durability, DeliveryService delivery, FrameEncoder encoder,
            MessageRules rules, TaskConfig config, Clock clock) {
        this.store = store;
        this.durability = durability;
        this.delivery = delivery;
        this.encoder = encoder;
        this.rules = rules;
        this.config = config;
        this.clock = clock;
    }

    public CompletionStage<TaskView> create(String owner, String title, Integer total) {
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
        Instant now = clock.instant();
        String id = UUID.randomUUID().toString();
        store.add(new TaskView(id, owner, title, total, 0, 0, TaskStatus.RUNNING, now, now, List.of()));
        store.forgetOldFinished(config.maxTasks());
        return append(id, new TaskStore.Report(now, null, "created", null));
    }

    /** Appends an event and pushes it to the owner's connections; at least one part must be given. */
    public CompletionStage<TaskView> report(String id, Integer progress, String line, String status) {
        TaskView task = store.state(id).orElseThrow(() -> TaskRejected.unknown(id));
        if (progress == null && line == null && status == null) {
            throw new TaskRejected(400, "progress", "an event needs at least one of 'progress', 'line' and 'status'");
        }
        int max = task.total() == null ? 100 : task.total();
        if (progress != null && (progress < 0 || progress > max)) {
            throw new TaskRejected(400, "progress", "'progress' must be between 0 and " + max);
        }
        if (line != null && line.length() > rules.maxTextLength()) {
            throw new TaskRejected(400, "line", "'line' is longer than " + rules.maxTextLength() + " characters");
        }
        TaskStatus parsed = status == null ? null : parseStatus(status);
        return append(id, new TaskStore.Report(clock.instant(), progress, line, parsed));
    }

    private CompletionStage<TaskView> append(String id, TaskStore.Report report) {
        TaskView view = store.append(id, report, config.maxEvents(),
                (state, event) -> delivery.push(state.owner(), encoder.json(new ServerFrame.Task<>(state, event))));
        return durability.committed().thenApply(v -> view);
    }

    private static TaskStatus parseStatus(String value) {
        TaskStatus status = TaskStatus.parse(value);
        if (status == null) {
            throw new TaskRejected(400, "status", "'status' must be one of running, succeeded, failed");
        }
        return status;
    }

    public TaskView get(String id) {
        return store.get(id).orElseThrow(() -> TaskRejected.unknown(id));
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
        return store.ownedBy(owner, after, max);
    }
}
