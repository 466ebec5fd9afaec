package dev.herald.redis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.herald.schedule.CancelOutcome;
import dev.herald.schedule.CronSchedule;
import dev.herald.schedule.Recipient;
import dev.herald.schedule.ScheduleConfig;
import dev.herald.schedule.ScheduleStore;
import dev.herald.schedule.ScheduledMessage;
import dev.herald.schedule.Status;
import dev.herald.schedule.StoreFull;
import dev.herald.schedule.Wakeup;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

/**
 * Scheduled messages in Redis, one site-wide schedule: any node accepts, lists and cancels them, and whichever node's
 * timer claims a due message fires it. A claim is a lease of {@code herald.cluster.node-ttl}: a node that dies while
 * firing loses it, another node fires the message again, and the delivery key of each occurrence keeps that from
 * reaching anyone twice. Calls block (with the Redis timeout): the scheduler and the API call them off the event loop.
 */
@Singleton
@Typed(RedisScheduleStore.class) // injected through dev.herald.engine.Engines as its interface
public class RedisScheduleStore implements ScheduleStore {

    /** What never changes about a stored message, kept as JSON. */
    public record Fixed(String id, String to, String room, boolean broadcast, String from, String text, Instant createdAt,
            String cron, boolean pastDue) {
    }

    private final RedisCalls redis;
    private final Keys keys;
    private final ScheduleConfig config;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final long leaseMillis;

    RedisScheduleStore(RedisCalls redis, Keys keys, ScheduleConfig config, ObjectMapper mapper, Clock clock,
            ClusterConfig cluster, RedisSubscriber subscriber, Wakeup wakeup) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.mapper = mapper;
        this.clock = clock;
        this.leaseMillis = cluster.nodeTtl().toMillis();
        // A message added on any node may be due before this node's timer would look again.
        subscriber.subscribe(keys.schedule("wake"), (channel, due) -> wakeup.wake());
    }

    private String prefix() {
        return keys.schedule("");
    }

    private Response run(Script script, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add(prefix());
        argv.addAll(List.of(args));
        // The declared key routes the script to the node holding {sched}; it builds the others from the prefix.
        return redis.eval(script, List.of(keys.schedule("due")), argv).await()
                .atMost(redis.config().timeout().plusSeconds(1));
    }

    private static String createdKey(ScheduledMessage m) {
        return created(m.createdAt(), m.id());
    }

    private static String created(Instant at, String id) {
        return String.format("%015d|%s", at.toEpochMilli(), id);
    }

    @Override
    public ScheduledMessage add(ScheduledMessage m) {
        Response r = run(ScheduleScripts.ADD, m.id(), json(m), Long.toString(m.deliverAt().toEpochMilli()),
                createdKey(m), Integer.toString(config.maxPending()), "pending");
        if (r.toInteger() == 0) {
            throw new StoreFull(config.maxPending());
        }
        return m;
    }

    @Override
    public void addDelivered(ScheduledMessage m) {
        run(ScheduleScripts.ADD, m.id(), json(m), Long.toString(m.deliverAt().toEpochMilli()), createdKey(m),
                Integer.toString(config.maxPending()), m.status().wire(),
                Long.toString(m.deliveredAt().toEpochMilli()), Integer.toString(m.recipients()),
                Integer.toString(config.retainFinished()));
    }

    @Override
    public List<ScheduledMessage> claimDue(Instant now, int max) {
        return snapshots(run(ScheduleScripts.CLAIM, Long.toString(now.toEpochMilli()), Integer.toString(max),
                Long.toString(clock.millis() + leaseMillis), ""));
    }

    @Override
    public Optional<ScheduledMessage> claim(String id) {
        return snapshots(run(ScheduleScripts.CLAIM, Long.toString(clock.millis()), "1",
                Long.toString(clock.millis() + leaseMillis), id)).stream().findFirst();
    }

    @Override
    public ScheduledMessage fired(String id, Instant at, int recipients, Instant next) {
        return snapshot(run(ScheduleScripts.FIRED, id, Long.toString(at.toEpochMilli()), Integer.toString(recipients),
                next == null ? "" : Long.toString(next.toEpochMilli()), Integer.toString(config.retainFinished())));
    }

    @Override
    public ScheduledMessage failed(String id, String error) {
        return snapshot(run(ScheduleScripts.FAILED, id, error, Integer.toString(config.retainFinished())));
    }

    @Override
    public CancelOutcome cancel(String id) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leaseMillis);
        while (true) {
            String outcome = run(ScheduleScripts.CANCEL, id, Integer.toString(config.retainFinished())).toString();
            if (!"FIRING".equals(outcome)) {
                return CancelOutcome.valueOf(outcome);
            }
            if (System.nanoTime() > deadline) {
                return CancelOutcome.TOO_LATE; // its node died while firing it: it will be fired again, not cancelled
            }
            // Being delivered right now, on this node or another: a recurring one is pending again in a moment.
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }

    @Override
    public Optional<ScheduledMessage> get(String id) {
        Response r = redis.send(Command.HGETALL, keys.schedule("m:" + id)).await()
                .atMost(redis.config().timeout().plusSeconds(1));
        if (r.size() == 0) {
            return Optional.empty();
        }
        Map<String, String> fields = new HashMap<>();
        for (String k : r.getKeys()) {
            fields.put(k, r.get(k).toString());
        }
        return Optional.of(decode(id, fields));
    }

    @Override
    public List<ScheduledMessage> page(Predicate<ScheduledMessage> filter, Created after, int max) {
        List<ScheduledMessage> page = new ArrayList<>();
        String from = after == null ? "" : created(after.at(), after.id());
        int batch = Math.max(50, Math.min(max * 2, 1000));
        while (page.size() < max) {
            List<ScheduledMessage> next = snapshots(run(ScheduleScripts.PAGE, from, Integer.toString(batch)));
            for (ScheduledMessage m : next) {
                if (filter.test(m) && page.size() < max) {
                    page.add(m);
                }
            }
            if (next.size() < batch) {
                return page;
            }
            from = createdKey(next.get(next.size() - 1));
        }
        return page;
    }

    @Override
    public Instant nextDue() {
        Response r = redis.send(Command.ZRANGE, keys.schedule("due"), "0", "0", "WITHSCORES").await()
                .atMost(redis.config().timeout().plusSeconds(1));
        if (r.size() == 0) {
            return null;
        }
        Response score = r.get(0).size() == 2 ? r.get(0).get(1) : r.get(1); // RESP3 pairs, or a flat RESP2 list
        return Instant.ofEpochMilli(Math.round(score.toDouble()));
    }

    @Override
    public int pendingCount() {
        Response due = redis.send(Command.ZCARD, keys.schedule("due")).await().atMost(redis.config().timeout().plusSeconds(1));
        Response firing = redis.send(Command.ZCARD, keys.schedule("firing")).await()
                .atMost(redis.config().timeout().plusSeconds(1));
        return due.toInteger() + firing.toInteger();
    }

    // --- encoding ------------------------------------------------------------------------------------------------

    private String json(ScheduledMessage m) {
        Recipient r = m.recipient();
        try {
            return mapper.writeValueAsString(new Fixed(m.id(), r.to(), r.room(), r.broadcast(), m.from(), m.text(),
                    m.createdAt(), m.cron() == null ? null : m.cron().expression(), m.pastDue()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Snapshots returned by a script: each {id, field, value, ...}. */
    private List<ScheduledMessage> snapshots(Response list) {
        List<ScheduledMessage> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(snapshot(list.get(i)));
        }
        return out;
    }

    private ScheduledMessage snapshot(Response r) {
        if (r == null || r.size() == 0) {
            return null;
        }
        Map<String, String> fields = new HashMap<>();
        for (int f = 1; f + 1 < r.size(); f += 2) {
            fields.put(r.get(f).toString(), r.get(f + 1).toString());
        }
        return decode(r.get(0).toString(), fields);
    }

    private ScheduledMessage decode(String id, Map<String, String> f) {
        try {
            Fixed fixed = mapper.readValue(f.get("j"), Fixed.class);
            return new ScheduledMessage(id, new Recipient(fixed.to(), fixed.room(), fixed.broadcast()), fixed.from(),
                    fixed.text(), fixed.createdAt(), fixed.cron() == null ? null : CronSchedule.parse(fixed.cron()),
                    fixed.pastDue(), Status.parse(f.get("s")), Instant.ofEpochMilli(Long.parseLong(f.get("a"))),
                    f.containsKey("da") ? Instant.ofEpochMilli(Long.parseLong(f.get("da"))) : null,
                    Integer.parseInt(f.getOrDefault("n", "0")), Integer.parseInt(f.getOrDefault("rc", "0")),
                    f.get("e"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable scheduled message " + id, e);
        }
    }
}
