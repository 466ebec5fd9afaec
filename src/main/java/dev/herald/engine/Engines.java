package dev.herald.engine;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.herald.delivery.Broker;
import dev.herald.delivery.MemoryBroker;
import dev.herald.delivery.MemoryPresence;
import dev.herald.delivery.MemoryStreamStore;
import dev.herald.delivery.Presence;
import dev.herald.delivery.StreamStore;
import dev.herald.schedule.MemoryScheduleStore;
import dev.herald.schedule.ScheduleStore;

/**
 * Plugs the engine chosen by {@code herald.engine} into the seams: every other bean injects {@link Broker},
 * {@link StreamStore}, {@link Presence} and {@link ScheduleStore}, never an implementation, so one jar runs any
 * engine. Only the chosen engine's beans are ever created.
 */
public class Engines {

    @Produces
    @Singleton
    Broker broker(EngineConfig config, Instance<MemoryBroker> memory) {
        return memory.get();
    }

    @Produces
    @Singleton
    StreamStore streams(EngineConfig config, Instance<MemoryStreamStore> memory) {
        return memory.get();
    }

    @Produces
    @Singleton
    Presence presence(EngineConfig config, Instance<MemoryPresence> memory) {
        return memory.get();
    }

    @Produces
    @Singleton
    ScheduleStore schedule(EngineConfig config, Instance<MemoryScheduleStore> memory) {
        return memory.get();
    }
}
