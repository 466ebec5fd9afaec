package dev.herald.delivery;

import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import dev.herald.protocol.EncodedMessage;

/**
 * One message as a data directory keeps it: written once however many streams it was appended to, with the id it
 * got in each, and kept on disk while any of those streams still holds it (each holding stream counts, and the
 * publishing thread holds it until it has appended everywhere). Only used with a {@link StreamJournal}.
 */
public final class Publication {

    private static final AtomicIntegerFieldUpdater<Publication> HOLDS =
            AtomicIntegerFieldUpdater.newUpdater(Publication.class, "holds");

    private final MemoryStreamStore store;
    /** Where the committed entries are handed to connections: the publisher's event loop, or null (the writer). */
    private Executor deliverOn;
    private final EncodedMessage message;
    private final long createdMillis;
    private String[] users;
    private long[] ids;
    /** The streams appended to, for the commit to release their entries to connections; null once it has. */
    private MemoryStream[] streams;
    private int size;
    /** For a direct message between users: the id of the sender's copy, which the recipient's entry names. */
    private long senderCopy;
    private volatile int holds = 1;
    private long key;

    Publication(MemoryStreamStore store, Executor deliverOn, EncodedMessage message, long createdMillis, int expected) {
        this.store = store;
        this.deliverOn = deliverOn;
        this.message = message;
        this.createdMillis = createdMillis;
        this.users = new String[expected];
        this.ids = new long[expected];
        this.streams = new MemoryStream[expected];
    }

    private Publication(EncodedMessage message, long createdMillis, long key, String[] users, long[] ids,
            long senderCopy) {
        this.senderCopy = senderCopy;
        this.store = null;
        this.deliverOn = null;
        this.message = message;
        this.createdMillis = createdMillis;
        this.key = key;
        this.users = users;
        this.ids = ids;
        this.size = users.length;
    }

    /** A publication read back from disk at start; it is held once until the stores have taken their entries. */
    public static Publication restored(long key, EncodedMessage message, long createdMillis, String[] users,
            long[] ids, long senderCopy) {
        return new Publication(message, createdMillis, key, users, ids, senderCopy);
    }

    /** See {@link EncodedMessage#senderCopy()}: 0 unless this is a direct message between users. */
    public long senderCopy() {
        return senderCopy;
    }

    /** The entry {@code user}'s stream keeps: a direct message's recipient's names the sender's copy. */
    EncodedMessage entryOf(String user) {
        return senderCopy > 0 && !user.equals(message.from()) ? message.withSenderCopy(senderCopy) : message;
    }

    /**
     * Appended to {@code stream} as {@code id}, the entry being {@code entry}; called by the publishing thread while
     * the stream is held.
     */
    void add(MemoryStream stream, long id, EncodedMessage entry) {
        senderCopy = Math.max(senderCopy, entry.senderCopy());
        if (size == users.length) {
            int more = Math.max(2, size * 2);
            users = Arrays.copyOf(users, more);
            ids = Arrays.copyOf(ids, more);
            streams = Arrays.copyOf(streams, more);
        }
        users[size] = stream.user();
        ids[size] = id;
        streams[size] = stream;
        size++;
        hold();
    }

    void hold() {
        HOLDS.incrementAndGet(this);
    }

    /** A stream no longer keeps it (dropped, trimmed, evicted), or the publisher is done: the last one removes it. */
    void release() {
        if (HOLDS.decrementAndGet(this) == 0 && store != null) {
            store.journal().remove(this);
        }
    }

    /** Nothing keeps it any more: there is no need to write it. */
    public boolean released() {
        return holds == 0;
    }

    /**
     * Called by the journal after the commit that wrote it: its entries may now reach connections, which they do on
     * the publisher's event loop (so fan-out is spread over the event loops as without a data directory), or here.
     */
    public void committed() {
        MemoryStream[] appended = streams;
        if (appended == null) {
            return;
        }
        int n = size;
        for (int i = 0; i < n; i++) {
            appended[i].committed(ids[i]);
        }
        Executor on = deliverOn;
        streams = null; // a kept entry only needs the message and the key from now on
        users = null;
        ids = null;
        deliverOn = null;
        if (on == null) {
            pump(appended, n);
        } else {
            on.execute(() -> pump(appended, n));
        }
    }

    private void pump(MemoryStream[] appended, int n) {
        for (int i = 0; i < n; i++) {
            store.pump(appended[i]);
        }
    }

    public long key() {
        return key;
    }

    /** Set by the journal when it takes the publication, before any entry is appended. */
    public void key(long key) {
        this.key = key;
    }

    public EncodedMessage message() {
        return message;
    }

    public long createdMillis() {
        return createdMillis;
    }

    public int size() {
        return size;
    }

    public String user(int i) {
        return users[i];
    }

    public long id(int i) {
        return ids[i];
    }
}
