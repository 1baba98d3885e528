package io.reactorsupervisor;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.util.concurrent.Queues;

/**
 * A component's mailbox: a multi-producer queue with one consumer (the component's drain),
 * bounded by its capacity. It outlives incarnations. Messages count towards the bound; health
 * probes do not (a component holds at most one, see {@link HealthMonitor}).
 */
final class MessageQueue {

    private static final AtomicIntegerFieldUpdater<MessageQueue> DEPTH =
            AtomicIntegerFieldUpdater.newUpdater(MessageQueue.class, "depth");
    private static final AtomicIntegerFieldUpdater<MessageQueue> PROBES =
            AtomicIntegerFieldUpdater.newUpdater(MessageQueue.class, "probes");

    private final Queue<Object> queue = Queues.unboundedMultiproducer().get();
    private final int capacity;
    private volatile int depth;
    private volatile int probes;

    MessageQueue(int capacity) {
        this.capacity = capacity;
    }

    /** @return false if the mailbox is full: nothing was queued */
    boolean offer(Object item) {
        if (DEPTH.incrementAndGet(this) > capacity) {
            DEPTH.decrementAndGet(this);
            return false;
        }
        queue.offer(item);
        return true;
    }

    /** Queues a health probe, outside the bound. */
    void offerProbe(Object probe) {
        PROBES.incrementAndGet(this);
        queue.offer(probe);
    }

    /** The consumer took a probe out. */
    void probePolled() {
        PROBES.decrementAndGet(this);
    }

    /** How many health probes wait in the mailbox. */
    int probes() {
        return probes;
    }

    /** The consumer only. Polled messages leave the depth through {@link #polled(int)}, once per batch. */
    @Nullable Object poll() {
        return queue.poll();
    }

    void polled(int count) {
        if (count != 0) {
            DEPTH.addAndGet(this, -count);
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int depth() {
        return depth;
    }

    int capacity() {
        return capacity;
    }
}
