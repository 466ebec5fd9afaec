package dev.herald.schedule;

/** The store already holds its maximum of pending messages. */
public class StoreFull extends RuntimeException {

    public StoreFull(int max) {
        super("the store already holds its maximum of " + max + " pending messages", null, false, false);
    }
}
