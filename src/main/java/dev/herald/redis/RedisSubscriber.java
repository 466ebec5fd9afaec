package dev.herald.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * This node's sharded subscriptions (SSUBSCRIBE): one channel per user with a connection here, plus the channels
 * every node hears. They live on one connection of their own; when it drops (Redis restarted, a master died) it is
 * opened again with backoff, every channel is subscribed again, and the listeners are told, so they can catch up on
 * what was published meanwhile (it is all in the users' streams). A subscription completes only when Redis has
 * confirmed it, so nothing published after that is missed.
 */
@Singleton
public class RedisSubscriber {

    private static final Logger LOG = Logger.getLogger(RedisSubscriber.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final RedisCalls calls;
    private final Vertx vertx;
    private final Map<String, BiConsumer<String, String>> listeners = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> confirming = new ConcurrentHashMap<>();
    private final List<Runnable> onResubscribed = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The subscribed connection once open; completes again after every reconnect. */
    private volatile CompletableFuture<RedisConnection> connection;

    RedisSubscriber(RedisCalls calls, Vertx vertx) {
        this.calls = calls;
        this.vertx = vertx;
    }

    /** Subscribes to {@code channel}; completes once Redis confirmed it. One listener per channel. */
    public CompletionStage<Void> subscribe(String channel, BiConsumer<String, String> listener) {
        listeners.put(channel, listener);
        return connection().thenCompose(c -> ssubscribe(c, channel));
    }

    /** No more messages from {@code channel} (the last local connection of its user left). */
    public void unsubscribe(String channel) {
        listeners.remove(channel);
        CompletableFuture<RedisConnection> c = connection;
        if (c != null && c.isDone() && !c.isCompletedExceptionally()) {
            c.join().send(Request.cmd(Command.SUNSUBSCRIBE).arg(channel)).subscribe().with(ok -> {
            }, e -> LOG.debugf("unsubscribe %s: %s", channel, e.getMessage()));
        }
    }

    /** Runs after every reconnect, once all channels are subscribed again. */
    public void onResubscribed(Runnable action) {
        onResubscribed.add(action);
    }

    private CompletionStage<Void> ssubscribe(RedisConnection c, String channel) {
        CompletableFuture<Void> confirmed = confirming.computeIfAbsent(channel, ch -> new CompletableFuture<>());
        c.send(Request.cmd(Command.SSUBSCRIBE).arg(channel)).subscribe().with(ok -> {
        }, e -> confirming.remove(channel, confirmed));
        return confirmed.orTimeout(calls.config().timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> {
                    confirming.remove(channel, confirmed);
                    return CompletableFuture.failedFuture(RedisCalls.unavailable(e));
                });
    }

    private synchronized CompletableFuture<RedisConnection> connection() {
        CompletableFuture<RedisConnection> c = connection;
        if (c == null || c.isCompletedExceptionally()) {
            c = new CompletableFuture<>();
            connection = c;
            open(c);
        }
        return c;
    }

    private void open(CompletableFuture<RedisConnection> result) {
        calls.client().connect().ifNoItem().after(calls.config().timeout()).fail().subscribe().with(c -> {
            c.handler(this::pushed);
            c.endHandler(() -> lost(c, null));
            c.exceptionHandler(e -> lost(c, e));
            result.complete(c);
        }, e -> result.completeExceptionally(RedisCalls.unavailable(e)));
    }

    /** A push from Redis: a message on a channel, or the confirmation of a subscription. */
    private void pushed(Response r) {
        if (r.type() == ResponseType.ERROR) {
            LOG.debugf("subscription error: %s", r);
            return;
        }
        String kind = r.get(0).toString();
        String channel = r.get(1).toString();
        switch (kind) {
            case "smessage" -> {
                BiConsumer<String, String> listener = listeners.get(channel);
                if (listener != null) {
                    listener.accept(channel, r.get(2).toString());
                }
            }
            case "ssubscribe" -> {
                CompletableFuture<Void> confirmed = confirming.remove(channel);
                if (confirmed != null) {
                    confirmed.complete(null);
                }
            }
            default -> {
                // sunsubscribe: ours, or Redis moving a slot; a channel still wanted is subscribed again on reconnect
            }
        }
    }

    private void lost(RedisConnection c, Throwable e) {
        CompletableFuture<RedisConnection> current = connection;
        if (closed.get() || current == null || !current.isDone() || current.isCompletedExceptionally()
                || current.join() != c) {
            return;
        }
        LOG.warnf("lost the Redis subscription connection (%s): reconnecting", e == null ? "closed" : e.getMessage());
        c.close().subscribe().with(ok -> {
        }, ignored -> {
        });
        reconnect(Duration.ofMillis(100));
    }

    private void reconnect(Duration delay) {
        if (closed.get()) {
            return;
        }
        vertx.setTimer(delay.toMillis(), t -> {
            CompletableFuture<RedisConnection> fresh = new CompletableFuture<>();
            synchronized (this) {
                connection = fresh;
            }
            open(fresh);
            fresh.thenCompose(c -> CompletableFuture.allOf(listeners.keySet().stream()
                    .map(ch -> ssubscribe(c, ch).toCompletableFuture()).toArray(CompletableFuture[]::new)))
                    .whenComplete((ok, failure) -> {
                        if (failure != null) {
                            LOG.debugf("resubscribing failed: %s", failure.getMessage());
                            fresh.thenAccept(c -> c.close().subscribe().with(x -> {
                            }, x -> {
                            }));
                            Duration next = delay.multipliedBy(2);
                            reconnect(next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next);
                        } else {
                            LOG.infof("Redis subscriptions restored: %d channels", listeners.size());
                            onResubscribed.forEach(Runnable::run);
                        }
                    });
        });
    }

    void stop(@jakarta.enterprise.event.Observes ShutdownEvent event) {
        closed.set(true);
    }
}
