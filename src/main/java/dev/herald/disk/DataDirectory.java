package dev.herald.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;
import org.jboss.logging.Logger;

import dev.herald.delivery.Durability;
import dev.herald.delivery.Unavailable;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Herald's data directory: one H2 MVStore file, {@code herald.mv.db}, that the in-memory stores write through to.
 * Nothing reads it after start: the stores' memory is the working set.
 *
 * <p>Writes are queued and group-committed by one writer thread: it takes everything queued so far, applies it to
 * the store's maps, commits (one MVStore version: a crash keeps the whole commit or nothing of it), and only then
 * runs what waited for it (acks, 201s, live delivery). A commit starts at most every {@code commit-interval} under
 * load, so one commit carries many writes; a write that arrives while the writer is idle is committed at once.
 * {@link #atomically} keeps a group of writes in one commit. Commits reach the operating system with a
 * {@code write()}; with {@code sync} each is also forced to the device ({@code fsync}).
 *
 * <p>Code run after a commit must never wait for another commit: it runs on the writer thread.
 */
public final class DataDirectory implements Durability, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DataDirectory.class);
    public static final String FILE_NAME = "herald.mv.db";
    private static final long SECOND = 1_000_000_000L;

    /** A change queued for the next commit. */
    public interface Write {
        /** Applies it to the maps: on the writer thread, in the order written. */
        void apply();

        /** Runs after the commit that wrote it: on the writer thread, in the order written. */
        default void committed() {
        }

        /** The directory cannot be written: the change is not on disk and never will be. */
        default void failed(RuntimeException cause) {
        }
    }

    private final Path file;
    private final MVStore store;
    private final boolean sync;
    private final long intervalNanos;
    /** Directory-wide facts: the epoch, the format. */
    final MVMap<String, String> info;
    /** Messages of users' streams by a sequence number in the order written ({@link DiskStreams}). */
    final MVMap<Long, byte[]> publications;
    /** Where each user's stream stands, by user. */
    final MVMap<String, byte[]> streams;
    /** Scheduled messages by creation time and id. */
    final MVMap<String, byte[]> scheduled;
    /** Tasks by id, without their events. */
    final MVMap<String, byte[]> tasks;
    /** Task events by task id and sequence number. */
    final MVMap<String, byte[]> taskEvents;
    /** Support desk conversations' latest state, by id ({@link DiskDesk}). */
    final MVMap<String, byte[]> deskConversations;
    /** Support desk history entries by conversation id and number. */
    final MVMap<String, byte[]> deskEntries;
    /** Agents the desk has seen, by name. */
    final MVMap<String, byte[]> deskAgents;

    private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();
    /** Held (shared) while a group of writes is queued: the writer cuts a batch only between groups. */
    private final ReentrantReadWriteLock groups = new ReentrantReadWriteLock();
    private final List<Runnable> everySecond = new CopyOnWriteArrayList<>();
    private final Thread writer;
    private volatile boolean parked;
    private volatile boolean closing;
    private volatile RuntimeException failure;
    private volatile long commits;
    private Timer commitTimer;

    private DataDirectory(Path file, MVStore store, boolean sync, Duration commitInterval) {
        this.file = file;
        this.store = store;
        this.sync = sync;
        this.intervalNanos = commitInterval.toNanos();
        this.info = store.openMap("info", new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE)
                .valueType(StringDataType.INSTANCE));
        this.publications = store.openMap("publications", new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        this.streams = bytesByString("streams");
        this.scheduled = bytesByString("scheduled");
        this.tasks = bytesByString("tasks");
        this.taskEvents = bytesByString("task-events");
        this.deskConversations = bytesByString("desk-conversations");
        this.deskEntries = bytesByString("desk-entries");
        this.deskAgents = bytesByString("desk-agents");
        this.writer = Thread.ofPlatform().name("herald-data-dir").daemon().unstarted(this::run);
    }

    private MVMap<String, byte[]> bytesByString(String name) {
        return store.openMap(name, new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE));
    }

    /**
     * Opens (or creates) the store in {@code dir} and starts its writer.
     *
     * @param sync whether every commit is forced to the device (fsync)
     * @param commitInterval the least time between two commits while writes keep coming
     * @throws UnusableDataDirectory when the directory cannot be created, or its file is corrupt, unreadable or in use
     */
    public static DataDirectory open(Path dir, boolean sync, Duration commitInterval) {
        Path file = dir.toAbsolutePath().resolve(FILE_NAME);
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UnusableDataDirectory(file, "its directory cannot be created", e);
        }
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString())
                    .autoCommitDisabled() // Herald commits itself, in whole batches only
                    .autoCommitBufferSize(0) // ... and never in the middle of one because memory filled up
                    .keysPerPage(16) // a commit rewrites the pages it touched: smaller pages, smaller commits
                    .open();
        } catch (MVStoreException | IllegalArgumentException | IllegalStateException e) {
            throw UnusableDataDirectory.of(file, e);
        }
        try {
            DataDirectory d = new DataDirectory(file, store, sync, commitInterval);
            d.writer.start();
            LOG.infof("data directory %s (fsync on commit: %s)", file, sync ? "yes" : "no");
            return d;
        } catch (MVStoreException | IllegalStateException e) {
            store.closeImmediately();
            throw UnusableDataDirectory.of(file, e);
        }
    }

    /** Registers the directory's meters: commit times ({@code herald_data_dir_commit_seconds}) and file size. */
    public DataDirectory measuredBy(MeterRegistry registry) {
        commitTimer = Timer.builder("herald.data.dir.commit")
                .description("Commits of the data directory: applying a batch of writes, writing it (and with sync, forcing it)")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("herald.data.dir.size", this, DataDirectory::sizeBytes).baseUnit("bytes")
                .description("Size of the data directory's file").register(registry);
        return this;
    }

    /** Reads what is on disk at start; an unreadable store stops Herald with a message naming the file. */
    <T> T reading(Supplier<T> read) {
        try {
            return read.get();
        } catch (MVStoreException | IllegalStateException | IndexOutOfBoundsException
                | java.nio.BufferUnderflowException e) {
            throw UnusableDataDirectory.of(file, e);
        }
    }

    public Path file() {
        return file;
    }

    /** Why writes are refused, or null while the directory is healthy. */
    public RuntimeException failure() {
        return failure;
    }

    public long commits() {
        return commits;
    }

    public long sizeBytes() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Queues a change for the next commit. */
    public void write(Write w) {
        RuntimeException failed = failure;
        if (failed != null || closing && !Thread.currentThread().equals(writer)) {
            w.failed(failed != null ? failed : new Unavailable("the data directory is closed"));
            return;
        }
        queue.add(w);
        if (parked) {
            LockSupport.unpark(writer);
        }
    }

    /** Runs {@code task} on the writer about once a second (it may queue writes). */
    public void everySecond(Runnable task) {
        everySecond.add(task);
    }

    @Override
    public boolean atOnce() {
        return false;
    }

    /** Completes with the commit, on the caller's event loop when it has one (what waits for it runs there). */
    @Override
    public CompletionStage<Void> committed() {
        Ticket ticket = new Ticket(Vertx.currentContext());
        write(ticket);
        return ticket.future;
    }

    @Override
    public <T> T atomically(Supplier<T> writes) {
        groups.readLock().lock();
        try {
            return writes.get();
        } finally {
            groups.readLock().unlock();
        }
    }

    /** A write that only waits: completes with the commit that covers everything queued before it. */
    private static final class Ticket implements Write {
        final CompletableFuture<Void> future = new CompletableFuture<>();
        /** The caller's Vert.x context, or null: then what waits runs on the writer. */
        private final Context context;

        Ticket(Context context) {
            this.context = context;
        }

        @Override
        public void apply() {
        }

        @Override
        public void committed() {
            if (context == null) {
                future.complete(null);
            } else {
                context.runOnContext(v -> future.complete(null));
            }
        }

        @Override
        public void failed(RuntimeException cause) {
            Unavailable refused = cause instanceof Unavailable u ? u
                    : new Unavailable("the data directory cannot be written: " + cause.getMessage());
            if (context == null) {
                future.completeExceptionally(refused);
            } else {
                context.runOnContext(v -> future.completeExceptionally(refused));
            }
        }
    }

    /** Marks the end of a batch in the queue. */
    private static final class End implements Write {
        @Override
        public void apply() {
        }
    }

    private void run() {
        long lastCommit = System.nanoTime() - intervalNanos;
        long lastSecond = System.nanoTime();
        boolean flushedForClose = false;
        while (true) {
            long now = System.nanoTime();
            if (now - lastSecond >= SECOND || closing && !flushedForClose) {
                lastSecond = now;
                flushedForClose = closing;
                periodically();
            }
            if (queue.isEmpty()) {
                if (closing) {
                    return;
                }
                parked = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.parkNanos(this, SECOND / 4);
                }
                parked = false;
                continue;
            }
            long wait = lastCommit + intervalNanos - System.nanoTime();
            if (wait > 0 && !closing) {
                LockSupport.parkNanos(this, wait); // let more writes join this commit
                continue;
            }
            commit(cut());
            lastCommit = System.nanoTime();
        }
    }

    /** Everything queued up to now, never splitting a group of writes made {@link #atomically}. */
    private List<Write> cut() {
        End end = new End();
        groups.writeLock().lock();
        try {
            queue.add(end);
        } finally {
            groups.writeLock().unlock();
        }
        List<Write> batch = new ArrayList<>();
        for (Write w = queue.poll(); w != end; w = queue.poll()) {
            batch.add(w);
        }
        return batch;
    }

    private void commit(List<Write> batch) {
        if (failure != null) {
            batch.forEach(w -> w.failed(failure));
            return;
        }
        long started = System.nanoTime();
        try {
            for (Write w : batch) {
                w.apply();
            }
            store.commit();
            if (sync) {
                store.sync();
            }
            commits++;
            if (commitTimer != null) {
                commitTimer.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        } catch (RuntimeException e) {
            failure = new Unavailable("the data directory " + file + " cannot be written: " + e.getMessage());
            LOG.errorf(e, "the data directory %s cannot be written; Herald takes no more writes until restarted", file);
            batch.forEach(w -> w.failed(failure));
            for (Write w = queue.poll(); w != null; w = queue.poll()) {
                w.failed(failure);
            }
            return;
        }
        for (Write w : batch) {
            try {
                w.committed();
            } catch (RuntimeException e) {
                LOG.error("after a commit", e);
            }
        }
    }

    private void periodically() {
        for (Runnable task : everySecond) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("periodic data directory task failed", e);
            }
        }
        if (failure == null) {
            try {
                // Rewrites what is still live in mostly dead chunks, so that their space can be reused: a kept mailbox
                // would otherwise pin every chunk it was written in. The next commit writes the moved pages.
                store.compact(50, 1 << 20);
            } catch (RuntimeException e) {
                LOG.warn("compacting the data directory failed", e);
            }
        }
    }

    /** Commits everything queued, stops the writer and closes the file (a clean stop: nothing to recover at start). */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Unavailable closed = new Unavailable("the data directory is closed");
        for (Write w = queue.poll(); w != null; w = queue.poll()) {
            w.failed(closed);
        }
        if (failure == null) {
            store.close();
        } else {
            store.closeImmediately();
        }
        LOG.infof("data directory %s closed after %d commits", file, commits);
    }

    /**
     * Stops at once: nothing queued is committed and the file is not closed cleanly — what a {@code kill -9} leaves
     * behind (for tests of what survives one).
     */
    public void abandon() {
        failure = new Unavailable("the data directory was abandoned");
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.closeImmediately();
    }

    /** The reason a data directory cannot be used, naming its file: Herald does not start on it. */
    public static final class UnusableDataDirectory extends RuntimeException {

        UnusableDataDirectory(Path file, String why, Throwable cause) {
            super("herald.data-dir: " + file + " " + why + ": " + cause.getMessage()
                    + ". Herald does not start without its data (see the README, \"Data directory\").", cause);
        }

        static UnusableDataDirectory of(Path file, Exception e) {
            int code = e instanceof MVStoreException m ? m.getErrorCode() : -1;
            String why = switch (code) {
                case DataUtils.ERROR_FILE_LOCKED -> "is in use by another process (another Herald on the same directory?)";
                case DataUtils.ERROR_FILE_CORRUPT, DataUtils.ERROR_CHUNK_NOT_FOUND, DataUtils.ERROR_BLOCK_NOT_FOUND -> "is corrupt (restore a backup, or move it away to start empty)";
                case DataUtils.ERROR_READING_FAILED -> "cannot be read";
                case DataUtils.ERROR_UNSUPPORTED_FORMAT -> "was written by an unsupported version";
                default -> "cannot be opened";
            };
            return new UnusableDataDirectory(file, why, e);
        }
    }
}
