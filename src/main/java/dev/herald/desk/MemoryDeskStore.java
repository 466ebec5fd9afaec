package dev.herald.desk;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The desk in this process's memory: one process is the whole site. One lock: desk changes are few. */
@Singleton
@Typed(MemoryDeskStore.class) // injected through dev.herald.engine.Engines as its interface
public class MemoryDeskStore implements DeskStore {

    private final ReentrantLock lock = new ReentrantLock();
    /** In order of opening. */
    private final Map<String, Conversation> conversations = new LinkedHashMap<>();
    private final Map<String, Deque<Entry>> histories = new HashMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final Map<String, String> openByVisitor = new HashMap<>();
    private final Set<String> known = new HashSet<>();
    /** The open conversations each agent holds (kept beside the conversations: agents' loads without a scan). */
    private final Map<String, Set<String>> openByAgent = new HashMap<>();
    /** Agents at the desk: since when each waits for a conversation. */
    private final Map<String, Instant> atDesk = new HashMap<>();
    /** Closed conversations, oldest closed first: past maxClosed the oldest are forgotten. */
    private final Deque<String> closedOrder = new ArrayDeque<>();
    private final int maxHistory;
    private final int maxClosed;

    /** With a data directory: where every change is written through; null without one. */
    private final DeskJournal journal;

    @Inject
    MemoryDeskStore(DeskConfig config, Optional<DeskJournal> journal) {
        this(config.maxHistory(), config.maxClosed(), journal.orElse(null));
    }

    MemoryDeskStore(int maxHistory, int maxClosed, DeskJournal journal) {
        this.maxHistory = maxHistory;
        this.maxClosed = maxClosed;
        this.journal = journal;
        if (journal != null) {
            journal.restore(this::restored, (id, e) -> {
                histories.computeIfAbsent(id, k -> new ArrayDeque<>()).addLast(e);
                lastSeq.merge(id, e.seq(), Math::max);
            }, known::add);
        }
    }

    /** A conversation read back from the data directory (oldest opened first). */
    private void restored(Conversation c) {
        conversations.put(c.id(), c);
        if (c.isOpen()) {
            openByVisitor.put(c.visitor(), c.id());
        } else {
            closedOrder.addLast(c.id());
        }
        hold(c.queued(), c);
    }

    private void written(Conversation c) {
        if (journal != null) {
            journal.conversation(c);
        }
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Conversation open(Conversation queued) {
        return locked(() -> {
            conversations.put(queued.id(), queued);
            openByVisitor.put(queued.visitor(), queued.id());
            written(queued);
            return queued;
        });
    }

    @Override
    public Optional<Conversation> get(String id) {
        return locked(() -> Optional.ofNullable(conversations.get(id)));
    }

    @Override
    public Optional<Conversation> openFor(String visitor) {
        return locked(() -> Optional.ofNullable(openByVisitor.get(visitor)).map(conversations::get));
    }

    @Override
    public List<Conversation> list(Conversation.State state, int limit) {
        return locked(() -> conversations.values().stream().filter(c -> state == null || c.state() == state)
                .limit(limit).toList());
    }

    @Override
    public List<Conversation> assignedTo(String agent) {
        return locked(() -> held(agent).stream().map(conversations::get)
                .sorted(Comparator.comparing(Conversation::openedAt).thenComparing(Conversation::id)).toList());
    }

    /** Replaces the conversation when it is open and held by {@code from} (null: queued). */
    private Optional<Conversation> change(String id, String from, java.util.function.UnaryOperator<Conversation> to) {
        Conversation c = conversations.get(id);
        if (c == null || !c.isOpen() || !java.util.Objects.equals(c.agent(), from)) {
            return Optional.empty();
        }
        Conversation changed = to.apply(c);
        conversations.put(id, changed);
        hold(c, changed);
        written(changed);
        return Optional.of(changed);
    }

    /** Keeps {@link #openByAgent} in step with a conversation's change. */
    private void hold(Conversation was, Conversation now) {
        if (was.agent() != null && was.state() == Conversation.State.ASSIGNED) {
            Set<String> ids = openByAgent.get(was.agent());
            if (ids != null && ids.remove(was.id()) && ids.isEmpty()) {
                openByAgent.remove(was.agent());
            }
        }
        if (now.state() == Conversation.State.ASSIGNED) {
            openByAgent.computeIfAbsent(now.agent(), a -> new HashSet<>()).add(now.id());
        }
    }

    @Override
    public Optional<Conversation> assign(String id, String from, String to, Instant at) {
        return locked(() -> {
            Optional<Conversation> done = change(id, from, c -> c.assignedTo(to));
            done.ifPresent(c -> atDesk.computeIfPresent(to, (a, since) -> at));
            return done;
        });
    }

    @Override
    public Optional<Conversation> requeue(String id, String from) {
        return locked(() -> from == null ? Optional.empty() : change(id, from, Conversation::queued));
    }

    @Override
    public Optional<Conversation> close(String id, Instant at) {
        return locked(() -> {
            Conversation c = conversations.get(id);
            if (c == null || !c.isOpen()) {
                return Optional.<Conversation>empty();
            }
            Conversation closed = c.closed(at);
            conversations.put(id, closed);
            hold(c, closed);
            openByVisitor.remove(c.visitor(), id);
            written(closed);
            closedOrder.addLast(id);
            while (closedOrder.size() > maxClosed) {
                String old = closedOrder.removeFirst();
                conversations.remove(old);
                histories.remove(old);
                lastSeq.remove(old);
                if (journal != null) {
                    journal.forget(old);
                }
            }
            return Optional.of(closed);
        });
    }

    @Override
    public Entry append(String id, Entry entry) {
        return locked(() -> {
            Entry numbered = entry.numbered(lastSeq.merge(id, 1L, Long::sum));
            Deque<Entry> history = histories.computeIfAbsent(id, k -> new ArrayDeque<>());
            history.addLast(numbered);
            long dropped = 0;
            while (history.size() > maxHistory) {
                dropped = history.removeFirst().seq();
            }
            if (journal != null) {
                journal.entry(id, numbered, dropped);
            }
            return numbered;
        });
    }

    @Override
    public List<Entry> history(String id) {
        return locked(() -> new ArrayList<>(histories.getOrDefault(id, new ArrayDeque<>())));
    }

    @Override
    public void registerAgent(String agent) {
        locked(() -> {
            if (known.add(agent) && journal != null) {
                journal.agent(agent);
            }
            return null;
        });
    }

    @Override
    public boolean isAgent(String agent) {
        return locked(() -> known.contains(agent));
    }

    @Override
    public List<String> knownAgents() {
        return locked(() -> List.copyOf(known));
    }

    @Override
    public boolean agentOnline(String agent, Instant at) {
        return locked(() -> atDesk.putIfAbsent(agent, at) == null);
    }

    @Override
    public boolean agentOffline(String agent) {
        return locked(() -> atDesk.remove(agent) != null);
    }

    @Override
    public List<AgentLoad> agents() {
        return locked(() -> atDesk.entrySet().stream()
                .map(e -> new AgentLoad(e.getKey(), held(e.getKey()).size(), e.getValue()))
                .sorted(Comparator.comparing(AgentLoad::agent)).toList());
    }

    private Set<String> held(String agent) {
        return openByAgent.getOrDefault(agent, Set.of());
    }
}
