package dev.herald.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.herald.desk.AgentLoad;
import dev.herald.desk.Conversation;
import dev.herald.desk.DeskConfig;
import dev.herald.desk.DeskStore;
import dev.herald.desk.Entry;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

/**
 * The support desk in Redis, one desk for the whole site (see {@link DeskScripts} for the layout). Calls block (with
 * the Redis timeout): the desk calls them off the event loop.
 */
@Singleton
@Typed(RedisDeskStore.class) // injected through dev.herald.engine.Engines as its interface
public class RedisDeskStore implements DeskStore {

    private static final String NO_SEQ = "{\"seq\":0,";

    private final RedisCalls redis;
    private final Keys keys;
    private final ObjectMapper mapper;
    private final int maxHistory;
    private final int maxClosed;

    RedisDeskStore(RedisCalls redis, Keys keys, ObjectMapper mapper, DeskConfig config) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.maxHistory = config.maxHistory();
        this.maxClosed = config.maxClosed();
    }

    private Response run(Script script, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(keys.desk(""));
        argv.addAll(List.of(args));
        // The declared key routes the script to the node holding {desk}; it builds the others from the prefix.
        return redis.eval(script, List.of(keys.desk("desk")), argv).await()
                .atMost(redis.config().timeout().plusSeconds(1));
    }

    private Response call(Command command, String... args) {
        return redis.send(command, args).await().atMost(redis.config().timeout().plusSeconds(1));
    }

    private static Optional<Conversation> snapshot(Response r) {
        if (r == null || r.size() == 0) {
            return Optional.empty();
        }
        Map<String, String> f = new HashMap<>();
        for (int i = 1; i + 1 < r.size(); i += 2) {
            f.put(r.get(i).toString(), r.get(i + 1).toString());
        }
        return Optional.of(new Conversation(r.get(0).toString(), f.get("v"), f.get("a"),
                Conversation.State.of(f.get("s")), Instant.ofEpochMilli(Long.parseLong(f.get("o"))),
                f.containsKey("x") ? Instant.ofEpochMilli(Long.parseLong(f.get("x"))) : null));
    }

    @Override
    public Conversation open(Conversation queued) {
        run(DeskScripts.OPEN, queued.id(), queued.visitor(), Long.toString(queued.openedAt().toEpochMilli()));
        return queued;
    }

    @Override
    public Optional<Conversation> get(String id) {
        Response r = call(Command.HGETALL, keys.desk("c:" + id));
        if (r == null || r.size() == 0) {
            return Optional.empty();
        }
        Map<String, String> f = new HashMap<>();
        for (String k : r.getKeys()) {
            f.put(k, r.get(k).toString());
        }
        return Optional.of(new Conversation(id, f.get("v"), f.get("a"), Conversation.State.of(f.get("s")),
                Instant.ofEpochMilli(Long.parseLong(f.get("o"))),
                f.containsKey("x") ? Instant.ofEpochMilli(Long.parseLong(f.get("x"))) : null));
    }

    @Override
    public Optional<Conversation> openFor(String visitor) {
        Response id = call(Command.HGET, keys.desk("visitors"), visitor);
        return id == null ? Optional.empty() : get(id.toString()).filter(Conversation::isOpen);
    }

    @Override
    public List<Conversation> list(Conversation.State state, int limit) {
        List<Conversation> found = new ArrayList<>();
        for (Conversation.State s : state == null ? Conversation.State.values() : new Conversation.State[] { state }) {
            Response ids = call(Command.ZRANGE, keys.desk("st:" + s.wire()), "0", Integer.toString(limit - 1));
            for (Response id : ids) {
                get(id.toString()).ifPresent(found::add);
            }
        }
        return found.stream().sorted(Comparator.comparing(Conversation::openedAt).thenComparing(Conversation::id))
                .limit(limit).toList();
    }

    @Override
    public List<Conversation> assignedTo(String agent) {
        List<Conversation> found = new ArrayList<>();
        for (Response id : call(Command.SMEMBERS, keys.desk("open:" + agent))) {
            get(id.toString()).filter(c -> agent.equals(c.agent()) && c.isOpen()).ifPresent(found::add);
        }
        found.sort(Comparator.comparing(Conversation::openedAt));
        return found;
    }

    @Override
    public Optional<Conversation> assign(String id, String from, String to, Instant at) {
        return snapshot(run(DeskScripts.ASSIGN, id, from == null ? "" : from, to, Long.toString(at.toEpochMilli())));
    }

    @Override
    public Optional<Conversation> requeue(String id, String from) {
        return from == null ? Optional.empty() : snapshot(run(DeskScripts.REQUEUE, id, from));
    }

    @Override
    public Optional<Conversation> close(String id, Instant at) {
        return snapshot(run(DeskScripts.CLOSE, id, Long.toString(at.toEpochMilli()), Integer.toString(maxClosed)));
    }

    @Override
    public Entry append(String id, Entry entry) {
        String json = json(entry);
        long n = run(DeskScripts.APPEND, id, "{" + json.substring(NO_SEQ.length()), Integer.toString(maxHistory))
                .toLong();
        return entry.numbered(n);
    }

    @Override
    public List<Entry> history(String id) {
        List<Entry> entries = new ArrayList<>();
        for (Response r : call(Command.LRANGE, keys.desk("h:" + id), "0", "-1")) {
            try {
                entries.add(mapper.readValue(r.toString(), Entry.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("unreadable desk entry of " + id, e);
            }
        }
        return entries;
    }

    private String json(Entry entry) {
        try {
            String json = mapper.writeValueAsString(entry.numbered(0));
            if (!json.startsWith(NO_SEQ)) {
                throw new IllegalStateException("an entry's JSON must start with its seq: " + json);
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void registerAgent(String agent) {
        call(Command.SADD, keys.desk("agents"), agent);
    }

    @Override
    public boolean isAgent(String agent) {
        return call(Command.SISMEMBER, keys.desk("agents"), agent).toInteger() == 1;
    }

    @Override
    public List<String> knownAgents() {
        List<String> agents = new ArrayList<>();
        for (Response r : call(Command.SMEMBERS, keys.desk("agents"))) {
            agents.add(r.toString());
        }
        return agents;
    }

    @Override
    public boolean agentOnline(String agent, Instant at) {
        return call(Command.ZADD, keys.desk("desk"), "NX", Long.toString(at.toEpochMilli()), agent).toInteger() == 1;
    }

    @Override
    public boolean agentOffline(String agent) {
        return call(Command.ZREM, keys.desk("desk"), agent).toInteger() == 1;
    }

    @Override
    public List<AgentLoad> agents() {
        Response r = call(Command.ZRANGE, keys.desk("desk"), "0", "-1", "WITHSCORES");
        List<AgentLoad> agents = new ArrayList<>();
        // RESP2 answers a flat list (member, score, ...); RESP3 a list of pairs.
        List<String[]> pairs = new ArrayList<>();
        if (r.size() > 0 && r.get(0).type() == io.vertx.redis.client.ResponseType.MULTI) {
            for (Response pair : r) {
                pairs.add(new String[] { pair.get(0).toString(), pair.get(1).toString() });
            }
        } else {
            for (int i = 0; i + 1 < r.size(); i += 2) {
                pairs.add(new String[] { r.get(i).toString(), r.get(i + 1).toString() });
            }
        }
        for (String[] p : pairs) {
            int open = call(Command.SCARD, keys.desk("open:" + p[0])).toInteger();
            agents.add(new AgentLoad(p[0], open, Instant.ofEpochMilli((long) Double.parseDouble(p[1]))));
        }
        agents.sort(Comparator.comparing(AgentLoad::agent));
        return agents;
    }
}
