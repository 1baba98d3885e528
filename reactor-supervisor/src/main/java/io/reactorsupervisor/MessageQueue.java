package io.reactorsupervisor;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.util.concurrent.Queues;

/**
 * A component's mailbox: a multi-producer queue with one consumer (the component's drain),
 * bounded by its capacity. It outlives incarnations. It holds messages only: the health check
 * watches the drain's progress and sends its probe ahead of the queue (see {@link HealthMonitor}).
 */
final class MessageQueue {

    private static final AtomicIntegerFieldUpdater<MessageQueue> DEPTH =
            AtomicIntegerFieldUpdater.newUpdater(MessageQueue.class, "depth");

    private final Queue<Object> queue = Queues.unboundedMultiproducer().get();
    private final int capacity;
    private volatile int depth;

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
