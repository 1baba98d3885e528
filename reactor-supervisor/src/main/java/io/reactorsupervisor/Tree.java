package io.reactorsupervisor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * What a whole supervision tree shares: its event stream, its log, its clock.
 *
 * <p>Events go to a best-effort multicast sink and into a bounded history. A new subscriber
 * gets the history, then the live events; both are taken under the emit lock, so that it
 * sees no gap and no duplicate.
 */
final class Tree {

    static final Logger LOG = LoggerFactory.getLogger("io.reactorsupervisor.Supervisor");

    /** How many past events a new subscriber of {@link #events()} receives first. */
    static final int HISTORY = 256;

    /** How many events wait for a subscriber that has not requested them, before the oldest go. */
    static final int BUFFER = 1024;

    private final Sinks.Many<SupervisionEvent> live = Sinks.many().multicast().directBestEffort();
    /** Serializes emissions: components publish from many threads, a Sinks.Many wants one at a time. */
    private final ReentrantLock emitLock = new ReentrantLock();
    private final ArrayDeque<SupervisionEvent> history = new ArrayDeque<>();
    private boolean completed;

    void publish(SupervisionEvent event) {
        emitLock.lock();
        try {
            if (completed) {
                return;
            }
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(event);
            live.tryEmitNext(event); // FAIL_ZERO_SUBSCRIBER: nobody listens, nothing to do
        } finally {
            emitLock.unlock();
        }
    }

    void complete() {
        emitLock.lock();
        try {
            completed = true;
            live.tryEmitComplete();
        } finally {
            emitLock.unlock();
        }
    }

    Flux<SupervisionEvent> events() {
        return Flux.<SupervisionEvent>create(sink -> {
            emitLock.lock();
            try {
                List<SupervisionEvent> past = new ArrayList<>(history);
                past.forEach(sink::next);
                if (completed) {
                    sink.complete();
                    return;
                }
                Disposable d = live.asFlux().subscribe(sink::next, sink::error, sink::complete);
                sink.onDispose(d);
            } finally {
                emitLock.unlock();
            }
        }, FluxSink.OverflowStrategy.IGNORE)
                // a subscriber that does not keep up loses the oldest events, never slows the tree
                .onBackpressureBuffer(BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST);
    }

    /** The tree's clock: the parallel scheduler's, looked up at each use so that virtual time replaces it. */
    static Instant now() {
        return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
    }
}
