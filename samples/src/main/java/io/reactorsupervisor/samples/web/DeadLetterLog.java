package io.reactorsupervisor.samples.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.reactorsupervisor.SupervisionEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

/**
 * The last dead letters of the tree, for the page to inspect: the tree's recent ones when the
 * log starts, then each new one; the oldest drops out beyond {@code capacity}.
 */
final class DeadLetterLog implements AutoCloseable {

    private final int capacity;
    private final ArrayDeque<DeadLetterView> letters = new ArrayDeque<>();
    private final Disposable subscription;
    private long next = 1;

    DeadLetterLog(Flux<SupervisionEvent.DeadLetter> deadLetters, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, but was " + capacity);
        }
        this.capacity = capacity;
        this.subscription = deadLetters.subscribe(this::add, e -> { }); // the stream ends with the tree
    }

    private synchronized void add(SupervisionEvent.DeadLetter letter) {
        letters.addFirst(DeadLetterView.of(next++, letter));
        if (letters.size() > capacity) {
            letters.removeLast();
        }
    }

    /**
     * @param path only the dead letters of this component, or all when null or empty
     * @param limit at most this many
     * @return the newest first
     */
    synchronized List<DeadLetterView> recent(@Nullable String path, int limit) {
        List<DeadLetterView> out = new ArrayList<>();
        for (DeadLetterView d : letters) {
            if (out.size() >= limit) {
                break;
            }
            if (path == null || path.isEmpty() || d.path().equals(path)) {
                out.add(d);
            }
        }
        return out;
    }

    @Override
    public void close() {
        subscription.dispose();
    }
}
