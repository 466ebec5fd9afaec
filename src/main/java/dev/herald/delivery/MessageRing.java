package dev.herald.delivery;

import dev.herald.protocol.EncodedMessage;

/**
 * The newest messages of one stream, oldest first, with consecutive ids: a ring of references to shared
 * {@link EncodedMessage}s that grows on demand up to a capacity, so a kept message costs one reference per
 * recipient rather than a copy of its text. With a data directory each slot also holds its {@link Publication} (a
 * second array, only then). Not thread-safe: guarded by its stream's lock.
 */
final class MessageRing {

    private static final int INITIAL = 8;

    private final int capacity;
    private EncodedMessage[] slots = new EncodedMessage[0];
    /** Where each kept message is on disk; null without a data directory. */
    private Publication[] publications;
    private int head;
    private int size;
    /** Id of the oldest kept message; the one at index i has id firstId + i. */
    private long firstId;

    MessageRing(int capacity, long nextId) {
        this.capacity = capacity;
        this.firstId = nextId;
    }

    /** Keeps {@code message} as id {@code firstId + size}; returns whether the oldest one was dropped for it. */
    boolean add(EncodedMessage message) {
        if (capacity == 0) {
            firstId++; // nothing is kept: the message is delivered live or lost
            return true;
        }
        boolean dropped = false;
        if (size == capacity) {
            removeOldest();
            dropped = true;
        } else if (size == slots.length) {
            grow();
        }
        slots[(head + size) % slots.length] = message;
        size++;
        return dropped;
    }

    /**
     * Keeps a message written to disk as {@code publication}; a full ring first drops its oldest (the caller
     * releases {@link #oldestPublication()} before).
     */
    boolean add(EncodedMessage message, Publication publication) {
        if (publications == null) {
            publications = new Publication[slots.length];
        }
        boolean dropped = add(message);
        if (capacity > 0) {
            publications[(head + size - 1) % slots.length] = publication;
        }
        return dropped;
    }

    int capacity() {
        return capacity;
    }

    /** The oldest kept message's publication, or null without a data directory. */
    Publication oldestPublication() {
        return publications == null || size == 0 ? null : publications[head];
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long oldestId() {
        return firstId;
    }

    EncodedMessage oldest() {
        return slots[head];
    }

    void removeOldest() {
        slots[head] = null;
        if (publications != null) {
            publications[head] = null;
        }
        head = (head + 1) % slots.length;
        size--;
        firstId++;
        if (size == 0) {
            head = 0;
        }
    }

    /** The message with {@code id}, which must be between {@link #oldestId()} and the newest id. */
    EncodedMessage get(long id) {
        return slots[(int) ((head + (id - firstId)) % slots.length)];
    }

    private void grow() {
        EncodedMessage[] bigger = new EncodedMessage[Math.min(capacity, Math.max(INITIAL, slots.length * 2))];
        int firstPart = Math.min(size, slots.length - head); // head to the end of the array, then the wrapped rest
        System.arraycopy(slots, head, bigger, 0, firstPart);
        System.arraycopy(slots, 0, bigger, firstPart, size - firstPart);
        if (publications != null) {
            Publication[] more = new Publication[bigger.length];
            System.arraycopy(publications, head, more, 0, firstPart);
            System.arraycopy(publications, 0, more, firstPart, size - firstPart);
            publications = more;
        }
        slots = bigger;
        head = 0;
    }
}
