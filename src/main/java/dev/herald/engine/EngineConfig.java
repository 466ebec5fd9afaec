package dev.herald.engine;

import java.nio.file.Path;
import java.util.Optional;

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

    enum Engine {
        MEMORY, REDIS
    }
}
