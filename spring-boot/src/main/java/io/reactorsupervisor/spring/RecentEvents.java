package io.reactorsupervisor.spring;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import reactor.core.Disposable;

import io.reactorsupervisor.SupervisionEvent;
import io.reactorsupervisor.Supervisor;

/**
 * The last events and dead letters of a tree, kept for the {@code supervision} endpoint.
 * Bounded: the oldest is dropped when a new one arrives at capacity.
 */
public final class RecentEvents implements AutoCloseable {

    private final int capacity;
    private final ArrayDeque<SupervisionEvent> events = new ArrayDeque<>();
    private final ArrayDeque<SupervisionEvent.DeadLetter> deadLetters = new ArrayDeque<>();
    private final Disposable subscription;

    RecentEvents(Supervisor root, int capacity) {
        this.capacity = capacity;
        this.subscription = root.events().subscribe(this::add, error -> { }, () -> { });
    }

    private synchronized void add(SupervisionEvent event) {
        if (capacity == 0) {
            return;
        }
        push(events, event);
        if (event instanceof SupervisionEvent.DeadLetter d) {
            push(deadLetters, d);
        }
    }

    private <E> void push(ArrayDeque<E> queue, E e) {
        if (queue.size() == capacity) {
            queue.pollFirst();
        }
        queue.addLast(e);
    }

    /**
     * The recent events, oldest first.
     *
     * @return a copy
     */
    public synchronized List<SupervisionEvent> events() {
        return new ArrayList<>(events);
    }

    /**
     * The recent dead letters, oldest first.
     *
     * @return a copy
     */
    public synchronized List<SupervisionEvent.DeadLetter> deadLetters() {
        return new ArrayList<>(deadLetters);
    }

    /** Stops listening. */
    @Override
    public void close() {
        subscription.dispose();
    }
}
