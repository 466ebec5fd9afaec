package dev.herald.redis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.herald.delivery.DeliveryConfig;
import dev.herald.tasks.TaskEvent;
import dev.herald.tasks.TaskRejected;
import dev.herald.tasks.TaskRelay;
import dev.herald.tasks.TaskStatus;
import dev.herald.tasks.TaskStore;
import dev.herald.tasks.TaskView;
import io.vertx.mutiny.redis.client.Response;

/**
 * Tasks in Redis, shared by every node of the site: a job may post each event to any node, and any node reads the
 * whole log back. Each change is one script on the {@code {t}} tag ({@link TaskScripts}), so an append's checks,
 * sequence number and new state are atomic whichever nodes append at once. Appends of one task on this node are
 * serialised, so {@code inOrder} sees them in log order here. A task's keys expire after
 * {@code herald.delivery.mailbox-retention} without an event. Calls block (with the Redis timeout): callers are
 * off the event loop.
 */
@Singleton
@Typed(RedisTaskStore.class) // injected through dev.herald.engine.Engines as its interface
public class RedisTaskStore implements TaskStore {

    private static final int STRIPES = 64;

    private final RedisCalls redis;
    private final Keys keys;
    private final ObjectMapper mapper;
    private final String ttlSeconds;
    /** Appends of one task on this node, one at a time; striped, so tasks need no lock of their own. */
    private final ReentrantLock[] appending = new ReentrantLock[STRIPES];

    RedisTaskStore(RedisCalls redis, Keys keys, ObjectMapper mapper, DeliveryConfig delivery) {
        this.redis = redis;
        this.keys = keys;
        this.mapper = mapper;
        this.ttlSeconds = Long.toString(Math.max(1, delivery.mailboxRetention().toSeconds()));
        for (int i = 0; i < STRIPES; i++) {
            appending[i] = new ReentrantLock();
        }
    }

    private Response run(Script script, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(keys.task(""));
        argv.addAll(List.of(args));
        // The declared key routes the script to the node holding {t}; it builds the others from the prefix.
        return redis.eval(script, List.of(keys.task("all")), argv).await()
                .atMost(redis.config().timeout().plusSeconds(1));
    }

    @Override
    public void add(TaskView task) {
        run(TaskScripts.ADD, ttlSeconds, task.id(), task.owner(), task.title(),
                task.total() == null ? "" : task.total().toString(), Integer.toString(task.progress()),
                task.status().wire(), task.createdAt().toString(), task.updatedAt().toString(),
                oldestFirst(task.createdAt(), task.id()), newestFirst(task.createdAt(), task.id()));
    }

    @Override
    public TaskView append(String id, Report report, int maxEvents, BiConsumer<TaskView, TaskEvent> inOrder) {
        String json = json(new TaskEvent(0, report.at(), report.progress(), report.line(), report.status()));
        ReentrantLock lock = appending[Math.floorMod(id.hashCode(), STRIPES)];
        lock.lock();
        try {
            Response r = run(TaskScripts.APPEND, ttlSeconds, id, Integer.toString(maxEvents), json,
                    report.at().toString(), report.progress() == null ? "" : report.progress().toString(),
                    report.status() == null ? "" : report.status().wire());
            switch (r.get(0).toString()) {
                case "unknown" -> throw TaskRejected.unknown(id);
                case "finished" -> throw TaskRejected.finished(id, TaskStatus.parse(r.get(1).toString()));
                case "full" -> throw TaskRejected.full(id, maxEvents);
                default -> {
                }
            }
            int seq = r.get(1).toInteger();
            TaskView view = view(id, fields(r, 2), null);
            inOrder.accept(view, new TaskEvent(seq, report.at(), report.progress(), report.line(), report.status()));
            return view;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<TaskView> get(String id) {
        return Optional.ofNullable(task(run(TaskScripts.GET, id, "1"), true));
    }

    @Override
    public Optional<TaskView> state(String id) {
        return Optional.ofNullable(task(run(TaskScripts.GET, id, "0"), false));
    }

    @Override
    public List<TaskView> ownedBy(String owner, TaskRelay.Position after, int max) {
        Response page = run(TaskScripts.OWNED, owner, after == null ? "" : newestFirst(after.createdAt(), after.id()),
                Integer.toString(max));
        List<TaskView> out = new ArrayList<>(page.size());
        for (int i = 0; i < page.size(); i++) {
            out.add(task(page.get(i), true));
        }
        return out;
    }

    @Override
    public List<String> forgetOldFinished(int keep) {
        Response r = run(TaskScripts.FORGET, Integer.toString(keep));
        List<String> ids = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            ids.add(r.get(i).toString());
        }
        return ids;
    }

    // --- encoding ------------------------------------------------------------------------------------------------

    /** Where a task sits in the index of all tasks: by creation, oldest first, ties by id. */
    private static String oldestFirst(Instant createdAt, String id) {
        return String.format("%019d|%s", nanos(createdAt), id);
    }

    /** Where a task sits in its owner's index: newest first, ties by id, as {@link TaskRelay.Position} sorts. */
    private static String newestFirst(Instant createdAt, String id) {
        return String.format("%019d|%s", Long.MAX_VALUE - nanos(createdAt), id);
    }

    private static long nanos(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }

    private String json(TaskEvent event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A script's {id, state fields, events}; null for an empty answer (no such task). */
    private TaskView task(Response r, boolean withEvents) {
        if (r == null || r.size() == 0) {
            return null;
        }
        String id = r.get(0).toString();
        List<TaskEvent> events = null;
        if (withEvents) {
            Response stored = r.get(2);
            events = new ArrayList<>(stored.size());
            for (int i = 0; i < stored.size(); i++) {
                TaskEvent e = event(id, stored.get(i).toString());
                events.add(new TaskEvent(i + 1, e.at(), e.progress(), e.line(), e.status()));
            }
            events = List.copyOf(events);
        }
        return view(id, fields(r.get(1), 0), events);
    }

    private TaskEvent event(String id, String json) {
        try {
            return mapper.readValue(json, TaskEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable event of task " + id, e);
        }
    }

    /** A flat {field, value, ...} list from {@code from} on. */
    private static Map<String, String> fields(Response r, int from) {
        Map<String, String> fields = new HashMap<>();
        for (int f = from; f + 1 < r.size(); f += 2) {
            fields.put(r.get(f).toString(), r.get(f + 1).toString());
        }
        return fields;
    }

    private static TaskView view(String id, Map<String, String> f, List<TaskEvent> events) {
        String total = f.get("to");
        Integer max = total == null || total.isEmpty() ? null : Integer.valueOf(total);
        int progress = Integer.parseInt(f.get("pr"));
        return new TaskView(id, f.get("o"), f.get("ti"), max, progress, TaskView.percent(progress, max),
                TaskStatus.parse(f.get("s")), Instant.parse(f.get("c")), Instant.parse(f.get("u")), events);
    }
}
