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

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }
}
