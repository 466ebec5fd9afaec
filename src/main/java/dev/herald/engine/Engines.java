package dev.herald.engine;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.herald.delivery.Broker;
import dev.herald.delivery.MemoryBroker;
import dev.herald.delivery.MemoryPresence;
import dev.herald.delivery.MemoryStreamStore;
import dev.herald.delivery.Presence;
import dev.herald.delivery.StreamStore;
import dev.herald.desk.DeskJournal;
import dev.herald.desk.DeskStore;
import dev.herald.desk.MemoryDeskStore;
import dev.herald.redis.RedisBroker;
import dev.herald.redis.RedisDeskStore;
import dev.herald.redis.RedisNode;
import dev.herald.redis.RedisPresence;
import dev.herald.redis.RedisScheduleStore;
import dev.herald.redis.RedisStreamStore;
import dev.herald.schedule.MemoryScheduleStore;
import dev.herald.schedule.ScheduleStore;
import io.quarkus.runtime.StartupEvent;

/**
 * Plugs the engine chosen by {@code herald.engine} into the seams: every other bean injects {@link Broker},
 * {@link StreamStore}, {@link Presence}, {@link ScheduleStore} and {@link DeskStore}, never an implementation, so one jar runs any
 * engine. Only the chosen engine's beans are ever created.
 */
public class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class);

    private static boolean redis(EngineConfig config) {
        return config.engine() == EngineConfig.Engine.REDIS;
    }

    @Produces
    @Singleton
    Broker broker(EngineConfig config, Instance<MemoryBroker> memory, Instance<RedisBroker> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    @Produces
    @Singleton
    StreamStore streams(EngineConfig config, Instance<MemoryStreamStore> memory, Instance<RedisStreamStore> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    @Produces
    @Singleton
    Presence presence(EngineConfig config, Instance<MemoryPresence> memory, Instance<RedisPresence> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    @Produces
    @Singleton
    ScheduleStore schedule(EngineConfig config, Instance<MemoryScheduleStore> memory,
            Instance<RedisScheduleStore> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    @Produces
    @Singleton
    DeskStore desk(EngineConfig config, Instance<MemoryDeskStore> memory, Instance<RedisDeskStore> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    /** Where the memory desk writes through: nowhere yet (no data directory on this branch). */
    @Produces
    @Singleton
    Optional<DeskJournal> deskJournal() {
        return Optional.empty();
    }

    /** On Redis: this node joins the site at start (and a start without quarkus.redis.hosts fails, naming it). */
    void start(@Observes StartupEvent event, EngineConfig config, Instance<RedisNode> node, Broker broker) {
        if (redis(config)) {
            node.get().start();
        }
        LOG.infof("engine: %s", config.engine().name().toLowerCase());
    }
}
