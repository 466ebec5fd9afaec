package dev.herald.delivery;

/** A message in one user's stream: its id in that stream, the frame text ready to write, when it was added. */
record StreamEntry(long id, String room, String frame, long addedNanos) {
}
