package dev.herald.desk;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The support desk's state, site-wide: conversations and their histories, the queue, and the agents at the desk with
 * their load. Every change is atomic and conditional where nodes may race (an assignment names the agent it expects
 * to take the conversation from), so two nodes reacting to the same event never assign one conversation twice.
 * Calls block (memory: at once; Redis: one round trip): the desk calls them off the event loop.
 */
public interface DeskStore {

    /** Stores a new queued conversation; it becomes the visitor's open one. */
    Conversation open(Conversation queued);

    Optional<Conversation> get(String id);

    /** The visitor's conversation that is not closed, if any. */
    Optional<Conversation> openFor(String visitor);

    /** Up to {@code limit} conversations in {@code state} (all when null), oldest first. */
    List<Conversation> list(Conversation.State state, int limit);

    /** The open conversations assigned to {@code agent}. */
    List<Conversation> assignedTo(String agent);

    /**
     * Assigns the conversation to {@code to} when it is open and held by {@code from} (null: queued); the agent's
     * wait restarts {@code at}. Empty when the conversation is not in that state any more (another node was first).
     */
    Optional<Conversation> assign(String id, String from, String to, Instant at);

    /** Puts the conversation back in the queue when it is held by {@code from}; empty otherwise. */
    Optional<Conversation> requeue(String id, String from);

    /** Closes the conversation when it is open; empty otherwise. */
    Optional<Conversation> close(String id, Instant at);

    /** Appends to the conversation's history, numbering the entry (the oldest past the bound are dropped). */
    Entry append(String id, Entry entry);

    /** The kept history, oldest first. */
    List<Entry> history(String id);

    /** {@code agent} is an agent (their console registered): presence decides whether they are at the desk. */
    void registerAgent(String agent);

    boolean isAgent(String agent);

    /** Every known agent (a node's presence filter, refreshed now and then). */
    List<String> knownAgents();

    /** The agent is at the desk (a no-op when already there); true when they just arrived. */
    boolean agentOnline(String agent, Instant at);

    /** The agent left the desk; true when they were there. */
    boolean agentOffline(String agent);

    /** The agents at the desk with their load. */
    List<AgentLoad> agents();
}
