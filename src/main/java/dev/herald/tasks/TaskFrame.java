package dev.herald.tasks;

/** The {@code task} frame pushed to the owner's connections for each event. */
public record TaskFrame(String type, TaskView task, TaskEvent event) {
    TaskFrame(TaskView task, TaskEvent event) {
        this("task", task, event);
    }
}
