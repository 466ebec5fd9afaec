package dev.herald.delivery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Who is here: which users hold connections, how many, for the whole site. The memory presence counts this
 * process's connections; on Redis each node's connections are counted under that node's lifetime, so a node that
 * dies takes its users' presence with it.
 */
public interface Presence {

    /**
     * Takes one of the user's connection slots before an upgrade is accepted, atomically: false when the user
     * already holds {@code limit}. Every reservation is later {@link #release released}, or turned into an open
     * connection by {@link #opened} and released by {@link #closed}.
     */
    CompletionStage<Boolean> reserve(String user, int limit);

    /** Gives back a slot whose upgrade did not happen. */
    void release(String user);

    /** A reserved connection opened; true when it is the user's first (the user came online). */
    CompletionStage<Boolean> opened(String user);

    /** A connection closed and released its slot; true when it was the user's last (the user went offline). */
    CompletionStage<Boolean> closed(String user);

    CompletionStage<Boolean> isOnline(String user);

    /** Up to {@code max} online users (in no particular order) and how many there are in all. */
    CompletionStage<Online> online(int max);

    /** Open connections per online user, by name. */
    CompletionStage<Map<String, Integer>> connectionCounts();

    record Online(List<String> users, int count) {
    }
}
