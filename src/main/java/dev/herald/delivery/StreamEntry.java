package dev.herald.delivery;

/** A message in one user's stream: its id in that stream and the frame text ready to write. */
record StreamEntry(long id, String room, String frame) {
}
