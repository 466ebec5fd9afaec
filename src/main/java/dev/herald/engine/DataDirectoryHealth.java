package dev.herald.engine;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.herald.disk.DataDirectory;

/**
 * Ready while the data directory takes writes: once a commit fails (disk full, I/O error) nothing more can be
 * acknowledged, so readiness goes DOWN with the reason. Without a data directory it only says so.
 */
@Readiness
@ApplicationScoped
public class DataDirectoryHealth implements HealthCheck {

    private final EngineConfig config;
    private final Instance<DataDirectory> directory;

    DataDirectoryHealth(EngineConfig config, Instance<DataDirectory> directory) {
        this.config = config;
        this.directory = directory;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder check = HealthCheckResponse.named("data-directory");
        if (config.engine() != EngineConfig.Engine.MEMORY || config.dataDir().isEmpty()) {
            return check.up().withData("file", "none: state is kept in memory only").build();
        }
        DataDirectory d = directory.get();
        RuntimeException failure = d.failure();
        check.status(failure == null).withData("file", d.file().toString()).withData("bytes", d.sizeBytes())
                .withData("commits", d.commits());
        if (failure != null) {
            check.withData("error", failure.getMessage());
        }
        return check.build();
    }
}
