package dev.herald.schedule;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

/** Lets the firing thread sleep until the next due time, and be woken when an earlier message arrives. */
@ApplicationScoped
public class Wakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean signalled;

    /** A message was added that may be due before the firing thread would wake up. */
    public void wake() {
        lock.lock();
        try {
            signalled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void await(long nanos) throws InterruptedException {
        lock.lock();
        try {
            if (!signalled) {
                changed.await(nanos, TimeUnit.NANOSECONDS);
            }
            signalled = false;
        } finally {
            lock.unlock();
        }
    }
}
