package dev.herald.engine;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.herald.delivery.Broker;
import dev.herald.delivery.Durability;
import dev.herald.delivery.MemoryBroker;
import dev.herald.delivery.MemoryPresence;
import dev.herald.delivery.MemoryStreamStore;
import dev.herald.delivery.Presence;
import dev.herald.delivery.StreamJournal;
import dev.herald.delivery.StreamStore;
import dev.herald.disk.DataDirectory;
import dev.herald.disk.DiskDesk;
import dev.herald.disk.DiskSchedule;
import dev.herald.disk.DiskStreams;
import dev.herald.disk.DiskTaskStore;
import dev.herald.ops.HeraldMetrics;
import dev.herald.desk.DeskJournal;
import dev.herald.desk.DeskStore;
import dev.herald.desk.MemoryDeskStore;
import dev.herald.redis.RedisBroker;
import dev.herald.redis.RedisDeskStore;
import dev.herald.redis.RedisNode;
import dev.herald.redis.RedisPresence;
import dev.herald.redis.RedisScheduleStore;
import dev.herald.redis.RedisStreamStore;
import dev.herald.redis.RedisTaskStore;
import dev.herald.schedule.MemoryScheduleStore;
import dev.herald.schedule.ScheduleJournal;
import dev.herald.schedule.ScheduleStore;
import dev.herald.tasks.MemoryTaskStore;
import dev.herald.tasks.TaskStore;
import io.quarkus.runtime.StartupEvent;

/**
 * Plugs the engine chosen by {@code herald.engine} into the seams: every other bean injects {@link Broker},
 * {@link StreamStore}, {@link Presence}, {@link ScheduleStore}, {@link TaskStore}, {@link DeskStore} and
 * {@link Durability}, never an implementation, so one jar runs any engine. Only the chosen engine's beans are ever
 * created. The memory engine with {@code herald.data-dir} keeps its memory stores and writes them through to the
 * {@link DataDirectory}.
 */
public class Engines {

    private static final Logger LOG = Logger.getLogger(Engines.class);

    private static boolean redis(EngineConfig config) {
        return config.engine() == EngineConfig.Engine.REDIS;
    }

    private static boolean onDisk(EngineConfig config) {
        return config.engine() == EngineConfig.Engine.MEMORY && config.dataDir().isPresent();
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
    TaskStore tasks(EngineConfig config, Instance<MemoryTaskStore> memory, Instance<DiskTaskStore> disk,
            Instance<RedisTaskStore> redis) {
        return redis(config) ? redis.get() : onDisk(config) ? disk.get() : memory.get();
    }

    @Produces
    @Singleton
    Durability durability(EngineConfig config, Instance<DataDirectory> disk) {
        return onDisk(config) ? disk.get() : Durability.AT_ONCE;
    }

    @Produces
    @Singleton
    Optional<StreamJournal> streamJournal(EngineConfig config, Instance<DiskStreams> disk) {
        return onDisk(config) ? Optional.of(disk.get()) : Optional.empty();
    }

    @Produces
    @Singleton
    Optional<ScheduleJournal> scheduleJournal(EngineConfig config, Instance<DiskSchedule> disk) {
        return onDisk(config) ? Optional.of(disk.get()) : Optional.empty();
    }

    @Produces
    @Singleton
    DeskStore desk(EngineConfig config, Instance<MemoryDeskStore> memory, Instance<RedisDeskStore> redis) {
        return redis(config) ? redis.get() : memory.get();
    }

    /** Where the memory desk writes through: the data directory, when there is one. */
    @Produces
    @Singleton
    Optional<DeskJournal> deskJournal(EngineConfig config, Instance<DiskDesk> disk) {
        return onDisk(config) ? Optional.of(disk.get()) : Optional.empty();
    }

    /** On Redis: this node joins the site at start (and a start without quarkus.redis.hosts fails, naming it). */
    void start(@Observes StartupEvent event, EngineConfig config, Instance<RedisNode> node, Broker broker) {
        if (redis(config)) {
            node.get().start();
        }
        LOG.infof("engine: %s%s", config.engine().name().toLowerCase(),
                onDisk(config) ? " with data directory " + config.dataDir().orElseThrow().toAbsolutePath() : "");
    }

    /** Only ever created with a data directory; as a Durability it is injected through {@link #durability}. */
    @Produces
    @Singleton
    @Typed(DataDirectory.class)
    DataDirectory dataDirectory(EngineConfig config, HeraldMetrics metrics) {
        return DataDirectory.open(config.dataDir().orElseThrow(), config.dataDirSync(), config.dataDirCommitInterval())
                .measuredBy(metrics.registry());
    }

    /** Last of all at shutdown: what was queued is committed and the file closed cleanly. */
    void close(@Disposes DataDirectory directory) {
        directory.close();
    }

    /**
     * With a data directory, everything is read back now: a directory that cannot be used stops Herald at start,
     * with a message naming the file, rather than a silent empty start. First of Herald's start-up observers: the
     * timer of scheduled messages never runs on a store that is not there.
     */
    void readBack(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, EngineConfig config,
            Instance<StreamStore> streams, Instance<ScheduleStore> schedule, Instance<TaskStore> tasks) {
        if (!onDisk(config)) {
            return;
        }
        try {
            streams.get(); // a @Singleton: created, so read back, here
            schedule.get().pendingCount();
            tasks.get().get("");
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof DataDirectory.UnusableDataDirectory unusable) {
                    // one line first, whatever else a failed start-up logs after it
                    LOG.error(unusable.getMessage());
                    throw unusable;
                }
            }
            throw e;
        }
    }
}
