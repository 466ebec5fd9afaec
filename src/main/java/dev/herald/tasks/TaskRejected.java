package dev.herald.tasks;

/** A task request the relay refuses: 404 unknown task, 409 finished or full, 400 bad field. */
public class TaskRejected extends RuntimeException {

    private final int status;
    private final String field;

    TaskRejected(int status, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    /** 404: no such task (never was, or forgotten). The same words on every engine. */
    public static TaskRejected unknown(String id) {
        return new TaskRejected(404, null, "no task " + id);
    }

    /** 409: the task has succeeded or failed; it takes no more events. */
    public static TaskRejected finished(String id, TaskStatus status) {
        return new TaskRejected(409, null, "task " + id + " has already " + status.wire());
    }

    /** 409: the task's log holds {@code maxEvents} events. */
    public static TaskRejected full(String id, int maxEvents) {
        return new TaskRejected(409, null, "task " + id + " has reached its limit of " + maxEvents + " events");
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
