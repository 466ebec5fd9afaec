package dev.herald.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.herald.disk.DataDirectory;

/**
 * The data directories a test opens (a crash test opens the same one again and again), each closed after the test.
 * Register as a field: {@code @RegisterExtension final OpenDataDirectories opened = new OpenDataDirectories();}
 */
public final class OpenDataDirectories implements AfterEachCallback {

    private final List<DataDirectory> open = new ArrayList<>();

    /** Opens {@code dir}, committing every 2 ms at most, without fsync. */
    public DataDirectory open(Path dir) {
        return open(dir, Duration.ofMillis(2));
    }

    public DataDirectory open(Path dir, Duration commitInterval) {
        DataDirectory d = DataDirectory.open(dir, false, commitInterval);
        open.add(d);
        return d;
    }

    /** Closes it now, as a clean stop does. */
    public void close(DataDirectory d) {
        open.remove(d);
        d.close();
    }

    /** What a kill -9 leaves: only what was committed; the directory is not closed. */
    public void abandon(DataDirectory d) {
        open.remove(d);
        d.abandon();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        open.forEach(DataDirectory::close);
        open.clear();
    }
}
