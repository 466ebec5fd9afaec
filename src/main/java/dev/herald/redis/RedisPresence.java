package dev.herald.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.delivery.Presence;
import dev.herald.protocol.FrameEncoder;
import dev.herald.protocol.ServerFrame;
import io.vertx.mutiny.redis.client.Command;

/**
 * Who is here, site-wide, in Redis: connection counts per user, each node's share kept beside them so that a dead
 * node's users go offline within {@code herald.cluster.node-ttl}. A user's first connection anywhere and last one
 * are announced to every node by the script that counts them, so those events keep their order.
 */
@Singleton
@Typed(RedisPresence.class) // injected through dev.herald.engine.Engines as its interface
public class RedisPresence implements Presence {

    private final RedisNode node;
    private final RedisCalls redis;
    private final Keys keys;
    private final FrameEncoder encoder;

    RedisPresence(RedisNode node, RedisCalls redis, Keys keys, FrameEncoder encoder) {
        this.node = node;
        this.redis = redis;
        this.keys = keys;
        this.encoder = encoder;
    }

    @Override
    public CompletionStage<Boolean> opened(String user) {
        return node.connection(user, 1);
    }

    @Override
    public CompletionStage<Boolean> closed(String user) {
        return node.connection(user, -1);
    }

    @Override
    public CompletionStage<Boolean> isOnline(String user) {
        return redis.send(Command.HEXISTS, keys.online(), user).subscribeAsCompletionStage()
                .thenApply(r -> r.toInteger() == 1);
    }

    @Override
    public CompletionStage<Map<String, Boolean>> areOnline(Collection<String> users) {
        if (users.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        List<String> names = new ArrayList<>(users);
        List<String> args = new ArrayList<>(names.size() + 1);
        args.add(keys.online());
        args.addAll(names);
        return redis.send(Command.HMGET, args.toArray(String[]::new)).subscribeAsCompletionStage().thenApply(r -> {
            Map<String, Boolean> states = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                states.put(names.get(i), r.get(i) != null);
            }
            return states;
        });
    }

    @Override
    public CompletionStage<Online> online(int max) {
        CompletionStage<Integer> count = redis.send(Command.HLEN, keys.online()).subscribeAsCompletionStage()
                .thenApply(r -> r.toInteger());
        if (max <= 0) {
            return count.thenApply(n -> new Online(List.of(), n));
        }
        CompletionStage<List<String>> some = redis.send(Command.HSCAN, keys.online(), "0", "COUNT",
                Integer.toString(max)).subscribeAsCompletionStage().thenApply(r -> {
                    List<String> users = new ArrayList<>();
                    var pairs = r.get(1);
                    for (int i = 0; i + 1 < pairs.size() && users.size() < max; i += 2) {
                        users.add(pairs.get(i).toString());
                    }
                    return users;
                });
        return count.thenCombine(some, (n, users) -> new Online(users, n));
    }

    @Override
    public CompletionStage<SortedMap<String, Integer>> connectionCounts(String after, int limit) {
        return redis.send(Command.HGETALL, keys.online()).subscribeAsCompletionStage().thenApply(r -> {
            TreeMap<String, Integer> page = new TreeMap<>();
            for (String user : r.getKeys()) {
                if (after == null || user.compareTo(after) > 0) {
                    page.put(user, r.get(user).toInteger());
                    if (page.size() > limit) {
                        page.pollLastEntry();
                    }
                }
            }
            return page;
        });
    }

    /** A completed stage, for callers that need one. */
    static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
