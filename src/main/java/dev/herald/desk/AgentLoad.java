package dev.herald.desk;

import java.time.Instant;

/** An agent at the desk: how many open conversations they hold, and since when they wait for a new one. */
public record AgentLoad(String agent, int open, Instant waitingSince) {
}
