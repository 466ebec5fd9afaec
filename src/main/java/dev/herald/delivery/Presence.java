package dev.herald.delivery;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;

/**
 * Who is here: which users hold connections, how many, for the whole site. The memory presence counts this
 * process's connections; on Redis each node's connections are counted under that node's lifetime, so a node that
 * dies takes its users' presence with it.
 */
public interface Presence {

    /** A connection opened; true when it is the user's first (the user came online). */
    CompletionStage<Boolean> opened(String user);

    /** A connection closed; true when it was the user's last (the user went offline). */
    CompletionStage<Boolean> closed(String user);

    CompletionStage<Boolean> isOnline(String user);

    /** Whether each of these users is online (for the ack of a watch frame). */
    CompletionStage<Map<String, Boolean>> areOnline(Collection<String> users);

    /** Up to {@code max} online users (in no particular order) and how many there are in all. */
    CompletionStage<Online> online(int max);

    /** Open connections per online user, by name: up to {@code limit} users whose names sort after {@code after}. */
    CompletionStage<SortedMap<String, Integer>> connectionCounts(String after, int limit);

    record Online(List<String> users, int count) {
    }
}
