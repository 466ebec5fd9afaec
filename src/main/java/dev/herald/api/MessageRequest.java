package dev.herald.api;

/**
 * Body of {@code POST /api/messages}: one target ({@code to}, {@code room} or {@code broadcast: true}), the
 * text, and at most one of {@code deliverAt} (ISO-8601 with offset), {@code delaySeconds} or {@code cron}.
 * Without a time the message is pushed at once. Unknown fields are refused (quarkus.jackson.fail-on-unknown-properties).
 */
public record MessageRequest(String to, String room, Boolean broadcast, String text, String from, String deliverAt,
        Double delaySeconds, String cron) {
}
