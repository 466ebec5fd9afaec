package dev.herald.tasks;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A task as clients see it. {@code progress} counts units of {@code total}, or is a percentage when there is
 * no total; {@code percent} is always 0-100. {@code events} is the whole log (absent in live frames).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(String id, String owner, String title, Integer total, int progress, int percent,
        TaskStatus status, Instant createdAt, Instant updatedAt, List<TaskEvent> events) {

    /** {@code progress} as 0-100 of its maximum: {@code total}, or 100 when progress is a percentage. */
    public static int percent(int progress, Integer total) {
        return (int) Math.floor(100.0 * progress / (total == null ? 100 : total));
    }
}
