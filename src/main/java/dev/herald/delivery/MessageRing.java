package dev.herald.delivery;

import dev.herald.protocol.EncodedMessage;

/**
 * The newest messages of one stream, oldest first, with consecutive ids: a ring of references to shared
 * {@link EncodedMessage}s that grows on demand up to a capacity, so a kept message costs one reference per
 * recipient rather than a copy of its text. Not thread-safe: guarded by its stream's lock.
 */
final class MessageRing {

    private static final int INITIAL = 8;

    private final int capacity;
    private EncodedMessage[] slots = new EncodedMessage[0];
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
        slots = bigger;
        head = 0;
    }
}
