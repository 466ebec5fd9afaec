package dev.herald.tasks;

/** The task store of one process, against {@link TaskStoreContract}. */
class MemoryTaskStoreTest extends TaskStoreContract {

    private final MemoryTaskStore store = new MemoryTaskStore();

    @Override
    protected TaskStore store() {
        return store;
    }

    @Override
    protected TaskStore otherNode() {
        return store;
    }
}
