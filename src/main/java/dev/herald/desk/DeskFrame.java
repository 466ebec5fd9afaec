package dev.herald.desk;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The protocol's {@code desk} frame (not part of any stream: what it says is kept in the conversation's history or
 * re-read from the desk API). {@code event} says what happened:
 * <ul>
 * <li>to the visitor: {@code queued}, {@code joined}, {@code left}, {@code closed} (with the history {@code entry})
 * and {@code typing} ({@code user});</li>
 * <li>to an agent: {@code assigned} (the conversation and its {@code history}), {@code unassigned}, {@code closed},
 * {@code typing}, and {@code board} (the {@code queue} and the {@code agents} at the desk, whenever either
 * changes).</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeskFrame(String type, String event, Conversation conversation, Entry entry, List<Entry> history,
        String user, List<Conversation> queue, List<AgentLoad> agents) {

    public static final String ASSIGNED = "assigned", UNASSIGNED = "unassigned", TYPING = "typing", BOARD = "board";

    static DeskFrame of(Conversation c, Entry e) {
        return new DeskFrame("desk", e.event(), c, e, null, null, null, null);
    }

    static DeskFrame assigned(Conversation c, List<Entry> history) {
        return new DeskFrame("desk", ASSIGNED, c, null, history, null, null, null);
    }

    static DeskFrame unassigned(Conversation c) {
        return new DeskFrame("desk", UNASSIGNED, c, null, null, null, null, null);
    }

    static DeskFrame typing(Conversation c, String user) {
        return new DeskFrame("desk", TYPING, c, null, null, user, null, null);
    }

    static DeskFrame board(List<Conversation> queue, List<AgentLoad> agents) {
        return new DeskFrame("desk", BOARD, null, null, null, null, queue, agents);
    }
}
