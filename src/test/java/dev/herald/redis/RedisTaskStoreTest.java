package dev.herald.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.herald.delivery.DeliveryConfig;
import dev.herald.delivery.Unavailable;
import dev.herald.support.RedisServer;
import dev.herald.tasks.TaskStatus;
import dev.herald.tasks.TaskStore;
import dev.herald.tasks.TaskStoreContract;
import dev.herald.tasks.TaskView;
import io.smallrye.config.WithDefault;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/**
 * {@link RedisTaskStore} against {@link TaskStoreContract}: two stores with their own Redis clients are two nodes
 * of one site, on a redis-server of the test's own; each test has a key prefix of its own, so an empty site. Also
 * what only Redis does: keys of one hash tag under the prefix, expiring; a hung Redis answers {@code unavailable}.
 */
class RedisTaskStoreTest extends TaskStoreContract {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis clientA;
    private static Redis clientB;

    private String prefix;
    private RedisTaskStore a;
    private RedisTaskStore b;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start("task-store");
        vertx = Vertx.vertx();
        clientA = client();
        clientB = client();
    }

    private static Redis client() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(server.uri()).setMaxPoolSize(8)
                .setMaxPoolWaiting(1000));
    }

    @AfterAll
    static void stopRedis() {
        clientA.close();
        clientB.close();
        vertx.closeAndAwait();
        server.close();
    }

    @BeforeEach
    void twoNodes() {
        prefix = "test-" + UUID.randomUUID();
        a = node(clientA);
        b = node(clientB);
    }

    private RedisTaskStore node(Redis client) {
        RedisConfig config = config(RedisConfig.class, Map.of("prefix", prefix, "timeout", TIMEOUT));
        ObjectMapper mapper = new ObjectMapper().findAndRegisterModules()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return new RedisTaskStore(new RedisCalls(() -> client, config), new Keys(config), mapper,
                config(DeliveryConfig.class, Map.of("mailboxRetention", Duration.ofHours(2))));
    }

    /**
     * A configuration interface at its defaults but for {@code overrides}. A proxy rather than a class: ArC would
     * take the validation annotations of a class implementing the interface for interceptors.
     */
    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, Map<String, Object> overrides) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] { type }, (proxy, method, args) -> {
            if (overrides.containsKey(method.getName())) {
                return overrides.get(method.getName());
            }
            String value = method.getAnnotation(WithDefault.class).value();
            Class<?> returns = method.getReturnType();
            if (returns == int.class) {
                return Integer.parseInt(value);
            }
            if (returns == Duration.class) {
                return io.quarkus.runtime.configuration.DurationConverter.parseDuration(value);
            }
            return value;
        });
    }

    @Override
    protected TaskStore store() {
        return a;
    }

    @Override
    protected TaskStore otherNode() {
        return b;
    }

    @Test
    void everyKeyIsUnderThePrefixOnOneHashTagAndExpires() {
        String id = unique("t");
        a.add(task(id, unique("gus"), 2, T));
        a.append(id, new TaskStore.Report(T, 1, "one", null), 10, (v, e) -> {
        });
        List<String> stored = List.of(server.cli("--scan", "--pattern", prefix + ":*").split("\n"));
        assertThat(stored).hasSize(4).allSatisfy(key -> {
            assertThat(key).startsWith(prefix + ":{t}:");
            long ttl = Long.parseLong(server.cli("TTL", key));
            assertThat(ttl).isBetween(7000L, 7200L);
        });
        assertThat(stored).contains(prefix + ":{t}:t:" + id, prefix + ":{t}:e:" + id, prefix + ":{t}:all");
    }

    /** A task whose keys expired is gone from every list, and no longer counts against the tasks kept. */
    @Test
    void anExpiredTaskIsGoneEverywhere() {
        String owner = unique("hal"), gone = unique("gone"), kept = unique("kept");
        a.add(task(gone, owner, null, T));
        b.add(task(kept, owner, null, T.plusSeconds(1)));
        b.append(kept, new TaskStore.Report(T, 100, null, TaskStatus.SUCCEEDED), 10, (v, e) -> {
        });
        server.cli("DEL", prefix + ":{t}:t:" + gone, prefix + ":{t}:e:" + gone); // as expiry would
        assertThat(a.get(gone)).isEmpty();
        assertThat(b.ownedBy(owner, null, 10)).extracting(TaskView::id).containsExactly(kept);
        assertThat(a.forgetOldFinished(1)).isEmpty();
        assertThat(a.get(kept)).isPresent();
    }

    @Test
    void aHungRedisAnswersUnavailableAndLosesNothing() {
        String id = unique("t");
        a.add(task(id, unique("ivy"), null, T));
        server.freeze();
        try {
            assertThatThrownBy(() -> a.append(id, new TaskStore.Report(T, 5, null, null), 10, (v, e) -> {
            })).isInstanceOf(Unavailable.class);
        } finally {
            server.thaw();
        }
        // The event the job was told failed may or may not be there; what came before is intact, and it works again.
        a.append(id, new TaskStore.Report(T, 6, null, null), 10, (v, e) -> {
        });
        assertThat(b.get(id).orElseThrow().progress()).isEqualTo(6);
    }
}
