package dev.herald.desk;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.api.ApiProblem;
import dev.herald.delivery.DeliveryService;
import dev.herald.delivery.MessageRules;
import dev.herald.delivery.Presence;
import dev.herald.delivery.UserPresence;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.Message;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

/**
 * The support desk's rules: a new conversation goes to the agent at the desk with the fewest open conversations (ties:
 * who waited longest); with none it waits in the queue until one arrives; agents take, transfer and close; an agent
 * offline longer than {@code herald.desk.grace} has their conversations handed on. Conversation lines travel as
 * {@code desk} messages in the two parties' streams (resume, mailboxes and tabs as for any message) and stay in the
 * conversation's history in the {@link DeskStore}; everything else is a {@link DeskFrame}.
 */
@Singleton
public class DeskService {

    private static final Logger LOG = Logger.getLogger(DeskService.class);

    private final DeskStore store;
    private final DeliveryService delivery;
    private final Presence presence;
    private final FrameEncoder encoder;
    private final MessageRules rules;
    private final DeskConfig config;
    private final Clock clock;
    private final Vertx vertx;
    private final SecureRandom random = new SecureRandom();
    /**
     * Known agents, as this node last read them: every presence change is checked against it without a round trip to
     * the engine (on Redis an agent registered on another node is known here within {@link #AGENTS_REFRESH_MILLIS};
     * meanwhile that node, which hears the same changes, acts).
     */
    private final Set<String> agents = ConcurrentHashMap.newKeySet();
    private static final long AGENTS_REFRESH_MILLIS = 5_000;

    DeskService(DeskStore store, DeliveryService delivery, Presence presence, FrameEncoder encoder,
            MessageRules rules, DeskConfig config, Clock clock, Vertx vertx) {
        this.store = store;
        this.delivery = delivery;
        this.presence = presence;
        this.encoder = encoder;
        this.rules = rules;
        this.config = config;
        this.clock = clock;
        this.vertx = vertx;
    }

    /** Reads the known agents now and every few seconds (they change when a console registers, anywhere). */
    void start(@Observes StartupEvent event) {
        vertx.executeBlocking(() -> agents.addAll(store.knownAgents()), false);
        vertx.setPeriodic(AGENTS_REFRESH_MILLIS, t -> vertx.executeBlocking(() -> agents.addAll(store.knownAgents()),
                false).onFailure(e -> LOG.debugf("desk: known agents not refreshed: %s", e.getMessage())));
    }

    /** A conversation and its history, as the desk API shows it. */
    public record ConversationView(Conversation conversation, List<Entry> history) {
    }

    /** What an agent's console starts from. */
    public record Console(String agent, List<AgentLoad> agents, List<Conversation> queue,
            List<ConversationView> mine) {
    }

    // --- visitors ---------------------------------------------------------------------------------------------

    /** The visitor's open conversation, or a new one (placed with an agent or queued), with its first line. */
    public ConversationView open(DeskCaller caller, String text) {
        if (!caller.visitor()) {
            throw new ApiProblem(403, "Forbidden", "only a visitor (a token from POST /api/desk/visitors) opens a "
                    + "conversation", null);
        }
        String first = text == null ? null : rules.text("text", text);
        Conversation c = store.openFor(caller.user()).orElse(null);
        if (c == null) {
            byte[] bytes = new byte[8];
            random.nextBytes(bytes);
            c = store.open(new Conversation("c-" + HexFormat.of().formatHex(bytes), caller.user(), null,
                    Conversation.State.QUEUED, clock.instant(), null));
            if (first != null) {
                say(c, caller.user(), first);
            }
            place(c, null);
        } else if (first != null) {
            say(c, caller.user(), first);
        }
        String id = c.id();
        return new ConversationView(store.get(id).orElseThrow(), store.history(id));
    }

    // --- both parties -----------------------------------------------------------------------------------------

    /** A line from the visitor or the conversation's agent. */
    public Entry say(DeskCaller caller, String id, String text) {
        String line = rules.text("text", text);
        Conversation c = party(caller, id);
        if (!c.isOpen()) {
            throw ApiProblem.conflict("conversation " + id + " is closed");
        }
        return say(c, caller.user(), line);
    }

    private Entry say(Conversation c, String from, String text) {
        Entry e = store.append(c.id(), Entry.message(from, text, clock.instant()));
        String other = from.equals(c.visitor()) ? c.agent() : c.visitor();
        // Into both parties' streams (the sender's copy keeps their tabs in step); queued: the visitor's only.
        Message m = Message.desk(from, other != null ? other : from, c.id(), e.seq(), text, e.at());
        delivery.deliver(m, other != null ? from : null).exceptionally(failure -> {
            LOG.warnf("desk line %d of %s not delivered: %s", e.seq(), c.id(), failure.getMessage());
            return null;
        });
        return e;
    }

    /** The visitor or the agent is typing: the other party is told (nothing is kept). */
    public void typing(DeskCaller caller, String id) {
        Conversation c = party(caller, id);
        String other = caller.user().equals(c.visitor()) ? c.agent() : c.visitor();
        if (c.isOpen() && other != null) {
            push(other, DeskFrame.typing(c, caller.user()));
        }
    }

    /** A conversation with its history: for its visitor, any agent, and the back office. */
    public ConversationView view(DeskCaller caller, String id) {
        Conversation c = find(id);
        if (caller.visitor() && !c.visitor().equals(caller.user())) {
            throw notYours(id);
        }
        if (!caller.visitor() && !caller.agent() && !caller.backOffice()) {
            throw notYours(id);
        }
        return new ConversationView(c, store.history(id));
    }

    public List<Conversation> list(DeskCaller caller, Conversation.State state, int limit) {
        requireStaff(caller);
        return store.list(state, limit);
    }

    // --- agents -----------------------------------------------------------------------------------------------

    /** An agent's console opened: they are an agent from now on, and at the desk while they have a connection. */
    public Console console(DeskCaller caller) {
        String agent = requireAgent(caller);
        register(agent);
        reconcile(agent);
        List<ConversationView> mine = store.assignedTo(agent).stream()
                .map(c -> new ConversationView(c, store.history(c.id()))).toList();
        return new Console(agent, store.agents(), store.list(Conversation.State.QUEUED, 1000), mine);
    }

    public List<AgentLoad> agents(DeskCaller caller) {
        requireStaff(caller);
        return store.agents();
    }

    /** An agent takes a queued conversation. */
    public ConversationView take(DeskCaller caller, String id) {
        String agent = requireAgent(caller);
        Conversation c = find(id);
        if (c.state() != Conversation.State.QUEUED) {
            throw ApiProblem.conflict("conversation " + id + " is " + c.state().wire() + ", not queued");
        }
        register(agent);
        if (!move(c, agent)) {
            throw ApiProblem.conflict("conversation " + id + " was taken meanwhile");
        }
        board();
        return new ConversationView(store.get(id).orElseThrow(), store.history(id));
    }

    /** The conversation's agent hands it to another agent at the desk, who gets its history. */
    public ConversationView transfer(DeskCaller caller, String id, String to) {
        String agent = requireAgent(caller);
        String target = rules.user("agent", to);
        Conversation c = find(id);
        if (c.state() != Conversation.State.ASSIGNED || !agent.equals(c.agent())) {
            throw ApiProblem.conflict("conversation " + id + " is not assigned to " + agent);
        }
        if (target.equals(agent)) {
            throw ApiProblem.badRequest("agent", "'agent' must be another agent than " + agent);
        }
        boolean atDesk = store.agents().stream().anyMatch(a -> a.agent().equals(target));
        if (!atDesk || !online(target)) {
            throw ApiProblem.badRequest("agent", "'" + target + "' is not an agent at the desk now");
        }
        if (!move(c, target)) {
            throw ApiProblem.conflict("conversation " + id + " changed meanwhile");
        }
        board();
        return new ConversationView(store.get(id).orElseThrow(), store.history(id));
    }

    /** The conversation's agent (or the back office) closes it; the visitor is told. */
    public ConversationView close(DeskCaller caller, String id) {
        Conversation c = find(id);
        boolean mine = caller.agent() && caller.user().equals(c.agent());
        boolean queuedForAnyAgent = caller.agent() && c.state() == Conversation.State.QUEUED;
        if (!mine && !queuedForAnyAgent && !caller.backOffice()) {
            throw caller.visitor() || !caller.agent() ? notYours(id)
                    : ApiProblem.conflict("conversation " + id + " is not assigned to " + caller.user());
        }
        Conversation closed = store.close(id, clock.instant())
                .orElseThrow(() -> ApiProblem.conflict("conversation " + id + " is already closed"));
        Entry e = store.append(id, Entry.event(Entry.CLOSED, closed.agent(), clock.instant()));
        push(closed.visitor(), DeskFrame.of(closed, e));
        if (closed.agent() != null) {
            push(closed.agent(), DeskFrame.of(closed, e));
        }
        board();
        return new ConversationView(closed, store.history(id));
    }

    // --- assignment -------------------------------------------------------------------------------------------

    /**
     * Gives an open conversation to the agent at the desk (and online) with the fewest open conversations, ties to
     * who waited longest, never to {@code except}; with none it goes (or stays) in the queue and the visitor is told.
     */
    private void place(Conversation c, String except) {
        List<AgentLoad> candidates = store.agents().stream().filter(a -> !a.agent().equals(except)).toList();
        Map<String, Boolean> online = candidates.isEmpty() ? Map.of()
                : join(presence.areOnline(candidates.stream().map(AgentLoad::agent).toList()));
        Optional<AgentLoad> pick = candidates.stream().filter(a -> online.getOrDefault(a.agent(), false))
                .min(Comparator.comparingInt(AgentLoad::open).thenComparing(AgentLoad::waitingSince)
                        .thenComparing(AgentLoad::agent));
        if (pick.isPresent()) {
            move(c, pick.get().agent());
        } else if (c.agent() == null) {
            queued(c);
        } else {
            store.requeue(c.id(), c.agent()).ifPresent(q -> {
                left(c);
                queued(q);
            });
        }
        board();
    }

    /** Moves the conversation from its agent (or the queue) to {@code to}; false when another node moved it first. */
    private boolean move(Conversation c, String to) {
        Optional<Conversation> moved = store.assign(c.id(), c.agent(), to, clock.instant());
        if (moved.isEmpty()) {
            return false;
        }
        if (c.agent() != null) {
            left(c);
        }
        Conversation now = moved.get();
        Entry joined = store.append(c.id(), Entry.event(Entry.JOINED, to, clock.instant()));
        push(now.visitor(), DeskFrame.of(now, joined));
        push(to, DeskFrame.assigned(now, store.history(c.id())));
        return true;
    }

    private void left(Conversation was) {
        Entry left = store.append(was.id(), Entry.event(Entry.LEFT, was.agent(), clock.instant()));
        push(was.visitor(), DeskFrame.of(was, left));
        push(was.agent(), DeskFrame.unassigned(was));
    }

    private void queued(Conversation c) {
        Entry e = store.append(c.id(), Entry.event(Entry.QUEUED, null, clock.instant()));
        push(c.visitor(), DeskFrame.of(c, e));
    }

    /** Tells every agent at the desk the queue and who is there. */
    private void board() {
        List<AgentLoad> agents = store.agents();
        String frame = encoder.json(DeskFrame.board(store.list(Conversation.State.QUEUED, 1000), agents));
        agents.forEach(a -> delivery.push(a.agent(), frame));
    }

    // --- agents coming and going --------------------------------------------------------------------------------

    /** Any node that hears an agent come or go re-checks them: at once when they came, after the grace when gone. */
    void onPresence(@ObservesAsync UserPresence change) {
        if (!agents.contains(change.user())) {
            return;
        }
        if (change.online()) {
            reconcile(change.user());
        } else {
            vertx.setTimer(Math.max(1, config.grace().toMillis()),
                    t -> vertx.executeBlocking(() -> {
                        reconcile(change.user());
                        return null;
                    }, false).onFailure(e -> LOG.warnf("desk: agent %s not re-checked: %s", change.user(), e)));
        }
    }

    /**
     * Brings the desk in line with the agent's presence: online, they are at the desk and the queue is offered; offline
     * (past the grace), they leave it and their open conversations go to other agents or back to the queue.
     */
    void reconcile(String agent) {
        if (online(agent)) {
            store.agentOnline(agent, clock.instant());
            for (Conversation queued : store.list(Conversation.State.QUEUED, 1000)) {
                place(queued, null);
            }
            board();
            return;
        }
        boolean left = store.agentOffline(agent);
        List<Conversation> held = store.assignedTo(agent);
        for (Conversation c : held) {
            place(c, agent);
        }
        if (left || !held.isEmpty()) {
            LOG.infof("desk: agent %s offline past the grace, %d conversation(s) handed on", agent, held.size());
            board();
        }
    }

    private void register(String agent) {
        if (agents.add(agent)) {
            store.registerAgent(agent);
        }
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    private boolean online(String user) {
        return join(presence.isOnline(user));
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("presence did not answer: " + e.getMessage(), e);
        }
    }

    private void push(String user, DeskFrame frame) {
        delivery.push(user, encoder.json(frame));
    }

    private Conversation find(String id) {
        if (id == null || !MessageRules.isValidName(id)) {
            throw ApiProblem.notFound("no conversation " + id);
        }
        return store.get(id).orElseThrow(() -> ApiProblem.notFound("no conversation " + id));
    }

    /** The conversation, when the caller is its visitor or its agent. */
    private Conversation party(DeskCaller caller, String id) {
        Conversation c = find(id);
        if (caller.user() == null
                || !(caller.visitor() ? caller.user().equals(c.visitor()) : caller.agent() && caller.user().equals(c.agent()))) {
            throw notYours(id);
        }
        return c;
    }

    private static ApiProblem notYours(String id) {
        return new ApiProblem(403, "Forbidden", "conversation " + id + " is not yours", null);
    }

    private String requireAgent(DeskCaller caller) {
        if (!caller.agent()) {
            throw new ApiProblem(403, "Forbidden", "this needs an agent's token (the role '" + config.agentRole() + "')",
                    null);
        }
        return caller.user();
    }

    private static void requireStaff(DeskCaller caller) {
        if (!caller.agent() && !caller.backOffice()) {
            throw new ApiProblem(403, "Forbidden", "this needs an agent's or a publisher's token", null);
        }
    }
}
