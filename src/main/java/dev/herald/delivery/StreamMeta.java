package dev.herald.delivery;

/**
 * What a data directory keeps of one user's stream besides its messages: where it stands. Written when the stream
 * is created, when its oldest kept id moves other than by a full mailbox (trimmed, expired), when the read cursor
 * moves, and about once a second while delivery marks change.
 *
 * @param lastId the newest id handed out (its message is on disk once this is)
 * @param firstId the oldest id still kept (older messages found on disk are not the stream's any more)
 * @param deliveredUpTo messages up to here reached a connection: later ones wait in the mailbox
 * @param dropped messages the full mailbox pushed out so far
 * @param readUpTo the user's read cursor: every tab and device has seen up to here
 */
public record StreamMeta(String user, long lastId, long firstId, long deliveredUpTo, long dropped, long readUpTo) {
}
