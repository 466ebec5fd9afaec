package dev.herald.tasks;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One report from a job: progress, a line of output, and/or a status change; {@code seq} orders them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskEvent(int seq, Instant at, Integer progress, String line, TaskStatus status) {
}
