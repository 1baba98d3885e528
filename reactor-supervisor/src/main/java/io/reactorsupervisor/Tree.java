package io.reactorsupervisor;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.concurrent.Queues;

/**
 * What a whole supervision tree shares: its event hub, its log, its clock, and whether it is
 * shutting down.
 *
 * <p>The hub delivers events outside every lock, on its own drain ({@link Drain}, on a worker
 * of {@link Schedulers#boundedElastic()}), never on the thread that published them: a
 * subscriber can call anything of the tree (a snapshot, a restart), and one that throws
 * anything, an {@link Error} included, is dropped and logged while the others go on. The
 * publisher only appends to the history and to the hub's queue under a short lock that no
 * user code ever runs under; that lock also orders a new subscriber's past events before its
 * live ones, with no gap and no duplicate.
 */
final class Tree {

    static final Logger LOG = LoggerFactory.getLogger("io.reactorsupervisor.Supervisor");

    /** How many past events a new subscriber of {@link #events()} receives first. */
    static final int HISTORY = 256;

    /** How many events wait for a subscriber that has not requested them, before the oldest go. */
    static final int BUFFER = 1024;

    private static final Object COMPLETE = new Object();

    private final Object lock = new Object();
    private final ArrayDeque<SupervisionEvent> history = new ArrayDeque<>();
    private final Hub hub = new Hub();
    private final Sinks.Empty<Void> delivered = Sinks.empty();
    private int subscribers; // guarded by lock
    private boolean completed; // guarded by lock

    /** The root is shutting down: every mailbox of the tree refuses new messages. */
    volatile boolean closing;

    /** Watches asks and handlings (metrics, tracing); null when nobody does: the hot path reads it once a message. */
    volatile @Nullable MessageObserver observer;

    void publish(SupervisionEvent event) {
        synchronized (lock) {
            if (completed) {
                return;
            }
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(event);
            if (subscribers == 0) {
                return;
            }
            hub.queue.offer(event);
        }
        hub.signalQueued();
    }

    /**
     * Completes the event stream after every event published before.
     *
     * @return completes once the completion has been delivered to every subscriber
     */
    Mono<Void> complete() {
        synchronized (lock) {
            if (!completed) {
                completed = true;
                hub.queue.offer(COMPLETE);
            }
        }
        hub.signalQueued();
        return delivered.asMono();
    }

    Flux<SupervisionEvent> events() {
        return Flux.<SupervisionEvent>create(sink -> {
            Registration r;
            synchronized (lock) {
                r = new Registration(sink, new ArrayList<>(history), completed);
                if (!completed) {
                    subscribers++;
                }
                hub.queue.offer(r);
            }
            sink.onDispose(() -> {
                if (!r.completed) {
                    synchronized (lock) {
                        subscribers--;
                    }
                }
                hub.queue.offer(new Cancellation(sink));
                hub.signalQueued();
            });
            hub.signalQueued();
        }, FluxSink.OverflowStrategy.IGNORE)
                // a subscriber that does not keep up loses the oldest events, never slows the tree
                .onBackpressureBuffer(BUFFER, dropped -> { }, BufferOverflowStrategy.DROP_OLDEST);
    }

    /** The tree's clock: the parallel scheduler's, looked up at each use so that virtual time replaces it. */
    static Instant now() {
        return Instant.ofEpochMilli(Schedulers.parallel().now(TimeUnit.MILLISECONDS));
    }

    private record Registration(FluxSink<SupervisionEvent> sink, List<SupervisionEvent> past, boolean completed) {
    }

    private record Cancellation(FluxSink<SupervisionEvent> sink) {
    }

    /** Delivers what is queued to the subscribers, one item at a time, never under a lock. */
    private final class Hub extends Drain {
        final Queue<Object> queue = Queues.unboundedMultiproducer().get();
        /** Only the drain touches it. */
        private final List<FluxSink<SupervisionEvent>> sinks = new ArrayList<>();

        @Override
        Scheduler drainScheduler() {
            return Schedulers.boundedElastic();
        }

        @Override
        boolean hasWork() {
            return !queue.isEmpty();
        }

        @Override
        void rejected(RejectedExecutionException e) {
            LOG.error("the scheduler of the event hub rejected its task; events are not delivered", e);
        }

        @Override
        int drainBatch() {
            Object item;
            while ((item = queue.poll()) != null) {
                if (item instanceof SupervisionEvent) {
                    SupervisionEvent event = (SupervisionEvent) item;
                    for (int i = sinks.size() - 1; i >= 0; i--) {
                        if (!deliver(sinks.get(i), event)) {
                            sinks.remove(i);
                        }
                    }
                } else if (item instanceof Registration) {
                    register((Registration) item);
                } else if (item instanceof Cancellation) {
                    sinks.remove(((Cancellation) item).sink());
                } else if (item == COMPLETE) {
                    for (FluxSink<SupervisionEvent> sink : sinks) {
                        completeQuietly(sink);
                    }
                    sinks.clear();
                    delivered.tryEmitEmpty();
                    retireWorker();
                }
            }
            return DRAINED;
        }

        private void register(Registration r) {
            for (SupervisionEvent past : r.past()) {
                if (!deliver(r.sink(), past)) {
                    return;
                }
            }
            if (r.completed()) {
                completeQuietly(r.sink());
            } else {
                sinks.add(r.sink());
            }
        }

        /** @return false if the subscriber threw and is dropped */
        private boolean deliver(FluxSink<SupervisionEvent> sink, SupervisionEvent event) {
            try {
                sink.next(event);
                return true;
            } catch (Throwable t) {
                LOG.error("an event subscriber threw; it receives no more events", t);
                return false;
            }
        }

        private void completeQuietly(FluxSink<SupervisionEvent> sink) {
            try {
                sink.complete();
            } catch (Throwable t) {
                LOG.error("an event subscriber threw on completion", t);
            }
        }
    }
}
