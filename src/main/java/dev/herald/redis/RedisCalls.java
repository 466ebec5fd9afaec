package dev.herald.redis;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.delivery.Unavailable;
import io.quarkus.arc.InjectableInstance;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;

/**
 * Every command the Redis engine sends: with a timeout (the reactive client has none, and a hung Redis answers
 * nothing), and with any failure turned into {@link Unavailable}, which clients see as {@code unavailable}. Never
 * blocks: safe on an event loop.
 */
@Singleton
public class RedisCalls {

    private static final Logger LOG = Logger.getLogger(RedisCalls.class);

    /** Looked up lazily: with the memory engine quarkus.redis.hosts is unset and the client must stay inactive. */
    private final Supplier<Redis> client;
    private final RedisConfig config;

    @Inject
    RedisCalls(InjectableInstance<Redis> client, RedisConfig config) {
        this((Supplier<Redis>) client::get, config);
    }

    /** On a client of the caller's own (unit tests of the Redis stores). */
    RedisCalls(Supplier<Redis> client, RedisConfig config) {
        this.client = client;
        this.config = config;
    }

    Redis client() {
        return client.get();
    }

    RedisConfig config() {
        return config;
    }

    public Uni<Response> send(Request request) {
        return client().send(request).ifNoItem().after(config.timeout()).fail()
                .onFailure().transform(RedisCalls::unavailable);
    }

    public Uni<Response> send(Command command, String... args) {
        Request request = Request.cmd(command);
        for (String arg : args) {
            request.arg(arg);
        }
        return send(request);
    }

    /** Runs a script by its SHA, loading it with EVAL where the node does not have it (NOSCRIPT). */
    public Uni<Response> eval(Script script, List<String> keys, List<String> args) {
        return client().send(evalRequest(Command.EVALSHA, script.sha(), keys, args))
                .onFailure(e -> e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT"))
                .recoverWithUni(() -> client().send(evalRequest(Command.EVAL, script.source(), keys, args)))
                .ifNoItem().after(config.timeout()).fail()
                .onFailure().transform(e -> {
                    if (!(e instanceof Unavailable)) {
                        LOG.debugf("script %s failed: %s", script.name(), e.toString());
                    }
                    return unavailable(e);
                });
    }

    public CompletionStage<Response> evalStage(Script script, List<String> keys, List<String> args) {
        return eval(script, keys, args).subscribeAsCompletionStage();
    }

    private static Request evalRequest(Command command, String scriptOrSha, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return request;
    }

    static Throwable unavailable(Throwable e) {
        if (e instanceof Unavailable) {
            return e;
        }
        String message = String.valueOf(e.getMessage());
        if (message.startsWith("ERR ") || message.startsWith("WRONGTYPE")) {
            return new IllegalStateException("Redis refused a command: " + message, e); // a bug of ours, not an outage
        }
        return new Unavailable("Redis cannot be reached: " + (e instanceof io.smallrye.mutiny.TimeoutException
                ? "no answer within the timeout" : e.getMessage()));
    }
}
