package io.reactorsupervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * A running component: its mailbox ({@link MessageQueue}), which outlives incarnations, and
 * the drain that feeds the current {@link Incarnation} one message at a time.
 *
 * <p>The drain owns the component: it begins incarnations (the state factory runs here), hands
 * them messages, ends them (the state's {@code close()} runs here), settles what a kill took
 * from a handler, and, once the component has ended, flushes the mailbox as dead letters
 * before telling its supervisor. Nothing else runs user code of the component, and nothing
 * else ends an incarnation: other threads (the pipeline, timers, the supervisor) only post.
 */
final class ComponentCell extends ChildCell {

    /** Messages handled per drain before yielding the thread to other components. */
    private static final int BATCH = 128;

    private static final AtomicLongFieldUpdater<ComponentCell> DEAD =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "deadLetters");
    private static final AtomicLongFieldUpdater<ComponentCell> HANDLED =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "handled");
    private static final AtomicLongFieldUpdater<ComponentCell> TAKEN =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "taken");
    private static final AtomicLongFieldUpdater<ComponentCell> CRASHES =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "crashes");
    private static final AtomicReferenceFieldUpdater<ComponentCell, AtomicLongArray> BY_REASON =
            AtomicReferenceFieldUpdater.newUpdater(ComponentCell.class, AtomicLongArray.class, "deadLettersByReason");
    private static final int REASONS = DeadLetterReason.values().length;
    private static final AtomicReferenceFieldUpdater<ComponentCell, Incarnation> PENDING =
            AtomicReferenceFieldUpdater.newUpdater(ComponentCell.class, Incarnation.class, "pending");

    final ComponentSpec<?, ?> cspec;
    final MessageQueue mailbox;
    final LocalRef ref;
    private volatile long handled;
    private volatile long deadLetters;
    /** Messages the drain has handed to a handler: the progress the health check watches. */
    private volatile long taken;
    private volatile long crashes;
    /** Dead letters by reason, allocated with the first one: a component that never has one keeps no array. */
    private volatile @Nullable AtomicLongArray deadLettersByReason;
    /** The directive applied to the latest failure, shown in the snapshot. */
    volatile @Nullable Directive lastDirective;

    /** A restart its supervisor granted, for the drain to pass on to the retry spec. */
    private volatile Signals.@Nullable Crashed granted;
    /** An incarnation subscribed and waiting for the drain to begin it. */
    volatile @Nullable Incarnation pending;
    volatile @Nullable Incarnation current;
    /** The pipeline has ended with {@link #endCause} (null when stopped): flush, then tell the parent. */
    private volatile boolean endPending;
    private volatile @Nullable Throwable endCause;
    private volatile @Nullable StopDeadline stopDeadline;
    /** The stop's deadline has passed: no incarnation begins any more, whatever the verdicts. */
    volatile boolean deadlinePassed;
    /** A stop with a deadline is under way: handlers run guarded, so that the deadline can abandon them. */
    volatile boolean stopArmed;
    /** The next incarnation starts a new pipeline: its drain takes no worker (see {@link #detached()}). */
    private volatile boolean launching;

    // the drain's: the message a crash sends to the next incarnation first
    private @Nullable Object redeliverItem;
    private int redeliverCount;
    /** The directive of the failure ending the incarnation now, for the crash path to take to the supervisor. */
    @Nullable Directive pendingDirective;

    private @Nullable Map<String, String> guards;
    /** A persistent component's checkpoints; null when its state starts fresh every time. */
    final @Nullable Checkpoints checkpoints;

    ComponentCell(ComponentSpec<?, ?> spec, SupervisorCell parent, Tree tree, int seq) {
        this(spec, spec.name(), parent, tree, seq);
    }

    /** A keyed component: named by its key, built from its set's template. */
    ComponentCell(ComponentSpec<?, ?> spec, String name, SupervisorCell parent, Tree tree, int seq) {
        super(spec, name, parent, tree, seq);
        this.cspec = spec;
        this.mailbox = new MessageQueue(spec.mailbox().capacity());
        this.ref = new LocalRef(this);
        Persistence<?> persistence = spec.persistence();
        this.checkpoints = persistence != null ? new Checkpoints(this, persistence) : null;
    }

    @Override
    Scheduler drainScheduler() {
        return cspec.scheduler();
    }

    /**
     * A blocking component takes whichever thread is free for each drain; so does the start of a
     * pipeline, which needs no worker yet: messages that arrive while it begins are handled on
     * that same task, and a component takes its worker with the first drain scheduled after it
     * began, so that one never told anything holds none.
     */
    @Override
    boolean detached() {
        return cspec.blocking() || (launching && current == null);
    }

    /** Why a message becomes a dead letter when the component does not take it (any more). */
    DeadLetterReason refusalReason(ComponentState s) {
        if (s == ComponentState.FAILED) {
            return DeadLetterReason.COMPONENT_FAILED;
        }
        return tree.closing ? DeadLetterReason.SHUT_DOWN : DeadLetterReason.COMPONENT_STOPPED;
    }

    /** Why the component failed, when it has: the cause its dead letters carry. */
    @Nullable Throwable failureCause() {
        Throwable cause = endCause;
        return state() == ComponentState.FAILED && cause != null ? Signals.unwrap(cause) : null;
    }

    // ------------------------------------------------------------------ the drain

    @Override
    boolean hasWork() {
        Incarnation inc = current;
        if (inc == null) {
            return granted != null || pending != null || endPending || (state().isTerminal() && !mailbox.isEmpty());
        }
        return inc.inFlight == null && (!mailbox.isEmpty() || redeliverItem != null);
    }

    @Override
    void rejected(RejectedExecutionException e) {
        Tree.LOG.error("'{}': its scheduler rejected the drain task; the component cannot run", path(), e);
    }

    @Override
    int drainBatch() {
        if (!Mdc.ACTIVE) {
            return drainBatchInMdc();
        }
        String previousMdc = Mdc.put(path()); // once a batch: what the handler and the library log carries it
        try {
            return drainBatchInMdc();
        } finally {
            Mdc.restore(previousMdc);
        }
    }

    private int drainBatchInMdc() {
        int budget = BATCH;
        int polled = 0;
        try {
            for (;;) {
                Incarnation inc = current;
                if (inc == null) {
                    Signals.Crashed restart = granted;
                    if (restart != null) {
                        granted = null;
                        restart.proceed(); // Reactor resubscribes here: the next incarnation is pending
                        continue;
                    }
                    Incarnation p = pending;
                    if (p != null) {
                        launching = false;
                        begin(p); // pending until it is current: a terminate or a kill meanwhile finds it
                        PENDING.compareAndSet(this, p, null); // unless it failed and the next one is pending already
                        if (--budget <= 0) {
                            return YIELD; // a state factory that always throws must not hold the thread
                        }
                        continue;
                    }
                    if (state().isTerminal()) {
                        polled += flushDeadLetters();
                    }
                    if (endPending) {
                        endPending = false;
                        mailbox.polled(polled);
                        polled = 0;
                        if (state().isTerminal()) {
                            retireWorker();
                            Checkpoints cp = checkpoints;
                            if (cp != null) {
                                cp.endedAfterSaves(endCause); // the supervisor hears of it once its last save ended
                                return DRAINED;
                            }
                        }
                        tellEnded(endCause);
                    }
                    return DRAINED;
                }
                int interrupts = inc.interrupts; // one read per message while nothing happens to it
                if (interrupts != 0) {
                    budget--;
                    if ((interrupts & Incarnation.CANCELLED) != 0) {
                        InFlight f = inc.inFlight;
                        if (f != null && f.cancel()) {
                            inc.inFlight = null;
                            deadLetter(f.item, refusalReason(ComponentState.STOPPED), null);
                        }
                        finish(inc, null, false);
                        continue;
                    }
                    if ((interrupts & Incarnation.KILLED) != 0) {
                        inc.settleKill(Objects.requireNonNull(inc.killCause));
                        continue;
                    }
                    InFlight failed = inc.failedReply;
                    if (failed != null) {
                        inc.failedReply = null;
                        Throwable failure = Objects.requireNonNull(inc.failure);
                        inc.crashed(failed.item, failed.deliveries, failure, cspec.directiveFor(failure));
                        continue;
                    }
                }
                if (inc.inFlight != null) {
                    return DRAINED;
                }
                if ((interrupts & Incarnation.TERMINATE) != 0) {
                    finish(inc, new Signals.Terminated("restarted with its group by its supervisor"), false);
                    continue;
                }
                if ((interrupts & Incarnation.PROBE) != 0) {
                    inc.clear(Incarnation.PROBE);
                    budget--;
                    inc.probe(); // between two messages, ahead of the backlog
                    continue;
                }
                Object item;
                int deliveries;
                if (redeliverItem != null) {
                    item = redeliverItem;
                    deliveries = redeliverCount;
                    redeliverItem = null;
                } else {
                    item = mailbox.poll();
                    if (item == null) {
                        if (state() == ComponentState.STOPPING) {
                            mailbox.polled(polled);
                            polled = 0;
                            finish(inc, null, false); // drained: the stop completes
                            continue;
                        }
                        return DRAINED;
                    }
                    deliveries = 0;
                    polled++;
                }
                if (budget-- <= 0) {
                    redeliverItem = item; // back to the front: the redelivery slot is read before the queue
                    redeliverCount = deliveries;
                    return YIELD;
                }
                TAKEN.lazySet(this, taken + 1); // the drain's own write: no atomic add per message
                if (!inc.handle(item, deliveries)) {
                    return ABANDON;
                }
            }
        } finally {
            mailbox.polled(polled);
        }
    }

    /** The drain begins an incarnation: the state factory runs here, on the component's scheduler. */
    private void begin(Incarnation inc) {
        if (inc.cancelled()) {
            inc.ended = true;
            return;
        }
        if (deadlinePassed && state() == ComponentState.STOPPING) {
            inc.ended = true; // restarted to drain, past the deadline (its state factory may keep failing)
            inc.actual.onError(new Signals.Stop(StopDeadline.reason(tree)));
            return;
        }
        if (!inc.createState()) {
            return; // the factory threw: the incarnation has ended with that crash
        }
        current = inc;
        awaitingRestart = false;
        incarnationStarted(state() == ComponentState.STOPPING);
        inc.startHealthCheck();
        if (startAwaited) { // only a start the supervisor ordered is told: a restart by the retry spec is not
            startAwaited = false;
            tellStarted();
        }
    }

    /** The supervisor granted a restart: the drain passes it on (see {@link Signals.Crashed#restart}). */
    void restartGranted(Signals.Crashed restart) {
        granted = restart;
        signal();
    }

    /** Ends an incarnation (see {@link Incarnation#end}); the drain takes no more from it. */
    void finish(Incarnation inc, @Nullable Throwable signal, boolean stable) {
        current = null;
        inc.end(signal, stable);
    }

    /** Sends {@code item} to the next incarnation, first (a crash with redeliveries left); the drain only. */
    void redeliver(Object item, int deliveries) {
        redeliverItem = item;
        redeliverCount = deliveries;
    }

    /** The handler finished a message: reply, count it. */
    void replied(Object item, @Nullable Object reply) {
        HANDLED.lazySet(this, handled + 1); // before the reply: whoever got it sees the message counted
        if (item instanceof Ask) {
            ((Ask) item).succeed(reply);
        }
    }

    // ------------------------------------------------------------------ dead letters

    private int flushDeadLetters() {
        int polled = 0;
        DeadLetterReason reason = refusalReason(state());
        Throwable cause = reason == DeadLetterReason.COMPONENT_FAILED ? failureCause() : null;
        Object item = redeliverItem;
        if (item != null) {
            redeliverItem = null;
            deadLetter(item, reason, cause);
        }
        while ((item = mailbox.poll()) != null) {
            polled++;
            deadLetter(item, reason, cause);
        }
        return polled;
    }

    /**
     * Publishes a message that will not be handled and fails its ask, if it is one (a refused
     * one's ask fails with the refusal: the message is given alone then).
     */
    void deadLetter(Object item, DeadLetterReason reason, @Nullable Throwable cause) {
        deadLetter(item, reason, cause, path(), Tree.now());
    }

    /** As {@link #deadLetter(Object, DeadLetterReason, Throwable)}, with the path and time the caller has at hand. */
    void deadLetter(Object item, DeadLetterReason reason, @Nullable Throwable cause, String path, Instant at) {
        DeadLetters.publish(this, item, reason, cause, path, at);
    }

    /** Counts a dead letter, for {@link ComponentStats#deadLetters()}. */
    void countDeadLetter(DeadLetterReason reason) {
        DEAD.incrementAndGet(this);
        AtomicLongArray byReason = deadLettersByReason;
        if (byReason == null) {
            BY_REASON.compareAndSet(this, null, new AtomicLongArray(REASONS));
            byReason = Objects.requireNonNull(deadLettersByReason);
        }
        byReason.incrementAndGet(reason.ordinal());
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    Flux<Object> incarnations() {
        Checkpoints cp = checkpoints;
        if (cp == null) {
            return incarnation(null);
        }
        // a persistent component's incarnation begins once its checkpoint is loaded, off the drain
        return cp.restore().flatMapMany(this::incarnation);
    }

    private Flux<Object> incarnation(Checkpoints.@Nullable Restore restore) {
        return new Flux<Object>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> actual) {
                Incarnation inc = new Incarnation(ComponentCell.this, actual);
                inc.restore = restore;
                actual.onSubscribe(inc);
                pending = inc;
                signal();
            }
        };
    }

    @Override
    void ended(@Nullable Throwable cause) {
        StopDeadline deadline = stopDeadline;
        if (deadline != null) {
            stopDeadline = null;
            deadline.cancel();
        }
        if (state().isTerminal()) {
            stopArmed = false; // started again, it runs unguarded
        }
        endCause = cause;
        endPending = true;
        signal();
    }

    @Override
    void launched() {
        launching = true;
    }

    @Override
    void terminate() {
        Incarnation inc = current;
        if (inc == null) {
            inc = pending;
        }
        if (inc != null) {
            inc.raise(Incarnation.TERMINATE);
            signal();
        }
    }

    @Override
    void stop(Duration deadline) {
        if (!moveTo(ComponentState.STOPPING)) {
            return;
        }
        deadlinePassed = false;
        stopArmed = true;
        signal();
        StopDeadline d = StopDeadline.start(this, deadline);
        if (d != null) {
            stopDeadline = d;
            if (state().isTerminal()) {
                d.cancel(); // it ended meanwhile, maybe before ended() could see the deadline
            }
        }
    }

    /** Records a guard's state (a circuit breaker's), shown in the snapshot. */
    synchronized void guardState(String guard, String toState) {
        if (guards == null) {
            guards = new ConcurrentHashMap<>();
        }
        guards.put(guard, toState);
    }

    long handledCount() {
        return handled;
    }

    /** A failure: counted for {@link ComponentStats#crashes()}. */
    void crashed() {
        CRASHES.incrementAndGet(this);
    }

    long crashCount() {
        return crashes;
    }

    long deadLetterCount() {
        return deadLetters;
    }

    long deadLetterCount(DeadLetterReason reason) {
        AtomicLongArray byReason = deadLettersByReason;
        return byReason == null ? 0 : byReason.get(reason.ordinal());
    }

    /** The state of each guard (circuit breaker) that reported, by name. */
    synchronized Map<String, String> guards() {
        return guards == null ? Map.of() : Map.copyOf(guards);
    }

    /** The live view of {@link ComponentRef#stats()}: reads the cell at each call. */
    ComponentStats stats() {
        return new LiveStats(this);
    }

    /** How many messages the drain has handed to a handler: it moves whenever the component makes progress. */
    long takenCount() {
        return taken;
    }

    @Override
    Directive takeDirective() {
        Directive d = pendingDirective;
        pendingDirective = null;
        return d != null ? d : Directive.RESTART;
    }

    @Override
    ComponentSnapshot snapshot() {
        Map<String, String> g = guards();
        ComponentState s = state();
        int depth = mailbox.depth();
        boolean ready = s == ComponentState.RUNNING && !cspec.overReadinessThreshold(depth);
        return new ComponentSnapshot(name, path(), s, restarts, uptime(), depth, handled, deadLetters, g, ready,
                lastDirective);
    }
}
