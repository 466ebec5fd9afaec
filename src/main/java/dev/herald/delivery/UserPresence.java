package dev.herald.delivery;

/**
 * A user's first connection anywhere opened ({@code online}) or their last one closed: fired asynchronously (a CDI
 * event) on every node that hears it, so an observer may block but must check the current state before acting.
 */
public record UserPresence(String user, boolean online) {
}
