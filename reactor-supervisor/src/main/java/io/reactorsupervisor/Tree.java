package io.reactorsupervisor;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** What a whole supervision tree shares: its event stream, its log, its clock. */
final class Tree {

    static final Logger LOG = LoggerFactory.getLogger("io.reactorsupervisor.Supervisor");

    private final Sinks.Many<SupervisionEvent> events = Sinks.many().multicast().directBestEffort();
    /** Serializes emissions: components publish from many threads, a Sinks.Many wants one at a time. */
    private final ReentrantLock emitLock = new ReentrantLock();
    private final Flux<SupervisionEvent> eventFlux = events.asFlux();

    void publish(SupervisionEvent event) {
        emitLock.lock();
        try {
            events.tryEmitNext(event); // FAIL_ZERO_SUBSCRIBER: nobody listens, nothing to do
        } finally {
            emitLock.unlock();
        }
    }

    void complete() {
        emitLock.lock();
        try {
            events.tryEmitComplete();
        } finally {
            emitLock.unlock();
        }
    }

    Flux<SupervisionEvent> events() {
        return eventFlux;
    }

    /** The tree's clock: the parallel scheduler's, looked up at each use so that virtual time replaces it. */
    static Instant now() {
        return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
    }
}
