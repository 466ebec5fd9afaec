package dev.herald.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where Herald's state lives; documented in application.properties ("Engine"). */
@ConfigMapping(prefix = "herald")
public interface EngineConfig {

    /** {@code memory} (one process; with {@link #dataDir()} it survives restarts) or {@code redis} (many nodes). */
    @WithDefault("memory")
    Engine engine();

    /** With the memory engine: a directory where state is written through, so a restart or kill -9 loses nothing. */
    Optional<Path> dataDir();

    /** With a data directory: whether each commit is also forced to the device (fsync), not only written. */
    @WithDefault("false")
    boolean dataDirSync();

    /** With a data directory: the least time between two commits while writes keep coming (group commit). */
    @WithDefault("2ms")
    @DurationMin(millis = 0)
    Duration dataDirCommitInterval();

    enum Engine {
        MEMORY, REDIS
    }
}
