package dev.herald.disk;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import dev.herald.delivery.Publication;
import dev.herald.delivery.StreamJournal;
import dev.herald.delivery.StreamMeta;
import dev.herald.protocol.EncodedMessage;

/**
 * Users' streams in the data directory: each published message once ({@code publications}, by a sequence number in
 * the order written, with the user and id it got in each stream), and where each stream stands ({@code streams}). A
 * publication is removed when no stream keeps it any more.
 */
@Singleton
@Typed(DiskStreams.class) // injected through dev.herald.engine.Engines as its interface
public class DiskStreams implements StreamJournal {

    /** 2 adds the entry's type (message, receipt), its sender and the sender's copy, for read cursors and receipts. */
    private static final int PUBLICATION_FORMAT = 2;
    private static final int META_FORMAT = 1;

    private final DataDirectory dir;
    private final String epoch;
    private final AtomicLong keys;

    public DiskStreams(DataDirectory dir) {
        this.dir = dir;
        String stored = dir.reading(() -> dir.info.get("epoch"));
        if (stored == null) {
            String created = UUID.randomUUID().toString().substring(0, 8);
            dir.write(() -> dir.info.put("epoch", created));
            stored = created;
        }
        this.epoch = stored;
        this.keys = new AtomicLong(dir.reading(() -> dir.publications.isEmpty() ? 0L : dir.publications.lastKey()));
    }

    @Override
    public String epoch() {
        return epoch;
    }

    @Override
    public void restore(Consumer<StreamMeta> streams, Consumer<Publication> publications) {
        dir.reading(() -> {
            for (Map.Entry<String, byte[]> e : dir.streams.entrySet()) {
                streams.accept(meta(e.getKey(), e.getValue()));
            }
            long nowMillis = System.currentTimeMillis(), nowNanos = System.nanoTime();
            for (Map.Entry<Long, byte[]> e : dir.publications.entrySet()) {
                publications.accept(publication(e.getKey(), e.getValue(), nowMillis, nowNanos));
            }
            return null;
        });
    }

    @Override
    public <T> T atomically(Supplier<T> writes) {
        return dir.atomically(writes);
    }

    @Override
    public void publish(Publication p) {
        p.key(keys.incrementAndGet());
        dir.write(new DataDirectory.Write() {
            @Override
            public void apply() {
                if (p.size() > 0) {
                    dir.publications.put(p.key(), bytes(p));
                }
            }

            @Override
            public void committed() {
                p.committed();
            }
        });
    }

    @Override
    public void remove(Publication p) {
        long key = p.key();
        dir.write(() -> dir.publications.remove(key));
    }

    @Override
    public void meta(StreamMeta m) {
        byte[] value = new Bytes.Out(META_FORMAT, 48).i64(m.lastId()).i64(m.firstId()).i64(m.deliveredUpTo())
                .i64(m.dropped()).i64(m.readUpTo()).bytes();
        dir.write(() -> dir.streams.put(m.user(), value));
    }

    @Override
    public void forget(String user) {
        dir.write(() -> dir.streams.remove(user));
    }

    @Override
    public void everySecond(Runnable flush) {
        dir.everySecond(flush);
    }

    private static byte[] bytes(Publication p) {
        EncodedMessage m = p.message();
        Bytes.Out out = new Bytes.Out(PUBLICATION_FORMAT, m.tailUtf8().length + 32 + 24 * p.size())
                .i64(p.createdMillis()).str(m.room()).utf8(m.tailUtf8()).i32(p.size());
        for (int i = 0; i < p.size(); i++) {
            out.str(p.user(i)).i64(p.id(i));
        }
        return out.str(m.type()).str(m.from()).i64(p.senderCopy()).bytes();
    }

    private static StreamMeta meta(String user, byte[] value) {
        Bytes.In in = new Bytes.In(value);
        return new StreamMeta(user, in.i64(), in.i64(), in.i64(), in.i64(), in.i64());
    }

    private static Publication publication(long key, byte[] value, long nowMillis, long nowNanos) {
        Bytes.In in = new Bytes.In(value);
        long createdMillis = in.i64();
        String room = in.str();
        byte[] tail = in.utf8();
        int n = in.i32();
        String[] users = new String[n];
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            users[i] = in.str();
            ids[i] = in.i64();
        }
        String type = EncodedMessage.MESSAGE, from = null;
        long senderCopy = 0;
        if (in.format >= 2) {
            type = in.str();
            from = in.str();
            senderCopy = in.i64();
        }
        // age, not a clock reading, is what retention trims by: this message is as old now as when it was written
        long createdNanos = nowNanos - (nowMillis - createdMillis) * 1_000_000L;
        // no origin: the connection that sent it is gone with the process that took it
        EncodedMessage message = new EncodedMessage(type, tail, room, from, 0, createdNanos, null);
        return Publication.restored(key, message, createdMillis, users, ids, senderCopy);
    }
}
