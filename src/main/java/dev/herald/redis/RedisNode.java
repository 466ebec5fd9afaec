package dev.herald.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.connection.Connection;
import dev.herald.delivery.DeliveryConfig;
import dev.herald.delivery.Hub;
import dev.herald.delivery.PresenceFanout;
import dev.herald.delivery.RoomMembers;
import dev.herald.ops.HeraldMetrics;
import io.micrometer.core.instrument.Counter;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Response;

/**
 * This process as one node of the site: it beats in Redis every third of {@code herald.cluster.node-ttl}, buries
 * nodes that stopped beating (their users' presence and room memberships end with them), keeps its own share of
 * presence and rooms in Redis (and restores it after Redis lost it), and hears the frames meant for every node.
 */
@Singleton
public class RedisNode {

    private static final Logger LOG = Logger.getLogger(RedisNode.class);

    private final String id = UUID.randomUUID().toString().substring(0, 12);
    private final RedisCalls redis;
    private final RedisSubscriber subscriber;
    private final Keys keys;
    private final Hub hub;
    private final Vertx vertx;
    private final Duration ttl;
    private final int membersListed;
    private final PresenceFanout fanout;
    private long timer = -1;
    private final Counter heardEveryone;

    RedisNode(RedisCalls redis, RedisSubscriber subscriber, Keys keys, Hub hub, Vertx vertx, ClusterConfig cluster,
            DeliveryConfig delivery, HeraldMetrics metrics, PresenceFanout fanout) {
        this.redis = redis;
        this.subscriber = subscriber;
        this.keys = keys;
        this.hub = hub;
        this.vertx = vertx;
        this.ttl = cluster.nodeTtl();
        this.membersListed = delivery.roomMembersListed();
        this.fanout = fanout;
        this.heardEveryone = Counter.builder("herald.redis.received").tag("kind", "everyone")
                .register(metrics.registry());
    }

    /** Starts beating and listening; called when the Redis engine is chosen (nothing of it runs otherwise). */
    public void start() {
        LOG.infof("node %s: Redis engine, node ttl %s", id, ttl);
        subscriber.subscribe(keys.everyone(), (channel, payload) -> {
            heardEveryone.increment();
            presenceChanged(payload);
        }).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.warnf("Redis not reachable at start (%s): retrying", e.getMessage());
            }
        });
        subscriber.onResubscribed(this::resync);
        long every = Math.max(200, ttl.toMillis() / 3);
        timer = vertx.setPeriodic(every, t -> {
            beat(false);
            buryTheDead();
        });
        beat(true);
    }

    String id() {
        return id;
    }

    /**
     * Every node hears every presence change: {@code P|user|1 or 0|users online} (a user came online or went
     * offline) and {@code Q|room|user|1 or 0} (joined or left a room); the fanout tells the connections here that care.
     */
    private void presenceChanged(String payload) {
        String[] parts = payload.split("\\|");
        if (payload.startsWith("P|") && parts.length == 4) {
            fanout.userChanged(parts[1], "1".equals(parts[2]), Integer.parseInt(parts[3]));
        } else if (payload.startsWith("Q|") && parts.length == 4) {
            fanout.roomChanged(parts[1], parts[2], "1".equals(parts[3]));
        }
    }

    /** A connection opened (+1) or closed (-1); completes with whether its user came online or went offline. */
    CompletionStage<Boolean> connection(String user, int delta) {
        return redis.evalStage(PresenceScripts.CONNECTION, List.of(keys.online(), keys.nodeConnections(id)),
                List.of(user, Integer.toString(delta), keys.everyone())).thenApply(r -> r.get(0).toInteger() == 1);
    }

    /** A connection joined (+1) or left (-1) a room; completes with the room's members. */
    CompletionStage<RoomMembers> room(String user, String room, int delta) {
        return redis.evalStage(PresenceScripts.ROOM, List.of(keys.room(room), keys.nodeRooms(id)),
                List.of(user, room, Integer.toString(delta), keys.everyone(), Integer.toString(membersListed)))
                .thenApply(RedisNode::members);
    }

    static RoomMembers members(Response r) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i < r.size(); i++) {
            names.add(r.get(i).toString());
        }
        return new RoomMembers(names, r.get(0).toInteger());
    }

    /** Beats; with {@code full}, also sets this node's share of presence and rooms to what it really holds. */
    private void beat(boolean full) {
        List<String> args = new ArrayList<>(List.of(id, Long.toString(System.currentTimeMillis() + ttl.toMillis())));
        if (!full) {
            args.add("-1");
        } else {
            Map<String, Integer> users = new TreeMap<>();
            Map<String, Integer> rooms = new TreeMap<>();
            hub.forEach(c -> count(c, users, rooms));
            args.add(Integer.toString(users.size()));
            users.forEach((u, n) -> args.addAll(List.of(u, n.toString())));
            rooms.forEach((r, n) -> args.addAll(List.of(r, n.toString())));
        }
        redis.evalStage(PresenceScripts.BEAT, List.of(keys.nodes(), keys.online(), keys.nodeConnections(id),
                keys.nodeRooms(id)), args).whenComplete((ok, e) -> {
                    if (e != null) {
                        LOG.debugf("node %s could not beat: %s", id, e.getMessage());
                    }
                });
    }

    private static void count(Connection c, Map<String, Integer> users, Map<String, Integer> rooms) {
        users.merge(c.user(), 1, Integer::sum);
        for (String room : c.rooms()) {
            rooms.merge(room + "|" + c.user(), 1, Integer::sum);
        }
    }

    /** After the subscription connection came back (Redis restarted, perhaps empty): restore this node's share. */
    private void resync() {
        beat(true);
    }

    private void buryTheDead() {
        redis.send(Command.ZRANGEBYSCORE, keys.nodes(), "-inf", Long.toString(System.currentTimeMillis()))
                .subscribe().with(dead -> dead.forEach(node -> bury(node.toString())),
                        e -> LOG.debugf("could not look for dead nodes: %s", e.getMessage()));
    }

    private void bury(String node) {
        if (node.equals(id)) {
            beat(true); // this node was too slow to beat (a long pause): it is alive, say so again
            return;
        }
        redis.evalStage(PresenceScripts.BURY, List.of(keys.nodes(), keys.online(), keys.nodeConnections(node),
                keys.nodeRooms(node)), List.of(node, keys.everyone()))
                .whenComplete((r, e) -> {
                    if (e == null) {
                        LOG.infof("node %s stopped beating: %d of its users went offline", node, r.toInteger());
                    }
                });
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            // A clean stop leaves at once rather than after the ttl: its connections are closed by now.
            redis.evalStage(PresenceScripts.BURY, List.of(keys.nodes(), keys.online(), keys.nodeConnections(id),
                    keys.nodeRooms(id)), List.of(id, keys.everyone()))
                    .toCompletableFuture().completeOnTimeout(null, 2, java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }
}
