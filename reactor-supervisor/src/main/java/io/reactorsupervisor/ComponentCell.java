package io.reactorsupervisor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.MonoSink;
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
    private static final AtomicReferenceFieldUpdater<ComponentCell, Incarnation> PENDING =
            AtomicReferenceFieldUpdater.newUpdater(ComponentCell.class, Incarnation.class, "pending");

    final ComponentSpec<?, ?> cspec;
    final MessageQueue mailbox;
    final LocalRef ref;
    private volatile long handled;
    private volatile long deadLetters;

    /** An incarnation subscribed and waiting for the drain to begin it. */
    private volatile @Nullable Incarnation pending;
    volatile @Nullable Incarnation current;
    /** The pipeline has ended with this signal (or null when stopped): flush, then tell the parent. */
    private volatile boolean endPending;
    private volatile @Nullable Throwable endCause;
    /** Why messages become dead letters once the component has ended. */
    private volatile @Nullable Throwable failureCause;
    private volatile @Nullable Disposable stopDeadline;
    /** The stop's deadline has passed: no incarnation begins any more, whatever the verdicts. */
    private volatile boolean deadlinePassed;

    // the drain's: the message a crash sends to the next incarnation first
    private @Nullable Object redeliverItem;
    private int redeliverCount;

    private @Nullable Map<String, String> guards;

    ComponentCell(ComponentSpec<?, ?> spec, SupervisorCell parent, Tree tree, int seq) {
        super(spec, parent, tree, seq);
        this.cspec = spec;
        this.mailbox = new MessageQueue(spec.mailbox().capacity());
        this.ref = new LocalRef(this);
    }

    @Override
    Scheduler drainScheduler() {
        return cspec.scheduler();
    }

    @Override
    boolean detached() {
        return cspec.blocking();
    }

    // ------------------------------------------------------------------ sending

    /** @return null if accepted, otherwise why it was refused (already dead-lettered) */
    @Nullable RuntimeException offer(Object item, Object message) {
        ComponentState s = state();
        if (tree.closing || s == ComponentState.STOPPING || s.isTerminal()) {
            DeadLetterReason reason = refusalReason(s);
            Throwable cause = reason == DeadLetterReason.COMPONENT_FAILED ? failureCause : null;
            deadLetter(message, reason, cause, message); // the caller fails its ask with what this returns
            return new ComponentUnavailableException(path(), s.isTerminal() ? s : ComponentState.STOPPING, cause);
        }
        if (!mailbox.offer(item)) {
            deadLetter(message, DeadLetterReason.MAILBOX_FULL, null, message);
            return new MailboxFullException(path(), mailbox.capacity());
        }
        signalQueued();
        return null;
    }

    private DeadLetterReason refusalReason(ComponentState s) {
        if (s == ComponentState.FAILED) {
            return DeadLetterReason.COMPONENT_FAILED;
        }
        return tree.closing ? DeadLetterReason.SHUT_DOWN : DeadLetterReason.COMPONENT_STOPPED;
    }

    /** Whether the caller is this component's own handler (an ask from it could never be answered). */
    boolean isOwnHandler(reactor.util.context.ContextView ctx) {
        Incarnation inc = current;
        return inc != null && (inc.isRunningHandler() || ctx.getOrDefault(Incarnation.class, null) == inc);
    }

    // ------------------------------------------------------------------ the drain

    @Override
    boolean hasWork() {
        Incarnation inc = current;
        if (inc == null) {
            return pending != null || endPending || (state().isTerminal() && !mailbox.isEmpty());
        }
        return inc.inFlight == null && (!mailbox.isEmpty() || redeliverItem != null);
    }

    @Override
    void rejected(RejectedExecutionException e) {
        Tree.LOG.error("'{}': its scheduler rejected the drain task; the component cannot run", path(), e);
    }

    @Override
    int drainBatch() {
        int budget = BATCH;
        int polled = 0;
        boolean begunOnly = false; // this run only began an incarnation: an idle component keeps no worker
        try {
            for (;;) {
                Incarnation p = pending;
                if (p != null) {
                    begin(p); // pending until it is current: a terminate or a kill meanwhile finds it
                    PENDING.compareAndSet(this, p, null); // unless it failed and the next one is pending already
                    begunOnly = budget == BATCH;
                    if (--budget <= 0) {
                        return YIELD; // a state factory that always throws must not hold the thread
                    }
                    continue;
                }
                Incarnation inc = current;
                if (inc == null) {
                    if (state().isTerminal()) {
                        polled += flushDeadLetters();
                    }
                    if (endPending) {
                        endPending = false;
                        mailbox.polled(polled);
                        polled = 0;
                        if (state().isTerminal()) {
                            retireWorker();
                        }
                        tellEnded(endCause);
                    }
                    return DRAINED;
                }
                if (inc.cancelled) {
                    budget--;
                    InFlight f = inc.inFlight;
                    if (f != null && f.cancel()) {
                        inc.inFlight = null;
                        deadLetter(f.item, refusalReason(ComponentState.STOPPED), null);
                    }
                    finish(inc, null, false);
                    continue;
                }
                Throwable killed = inc.killCause;
                if (killed != null) {
                    budget--;
                    settleKill(inc, killed);
                    continue;
                }
                InFlight failed = inc.failedReply;
                if (failed != null) {
                    budget--;
                    inc.failedReply = null;
                    crash(inc, failed.item, failed.deliveries, Objects.requireNonNull(inc.failure));
                    continue;
                }
                if (inc.inFlight != null) {
                    return DRAINED;
                }
                if (inc.terminateRequested) {
                    finish(inc, new Signals.Terminated("restarted with its group by its supervisor"), false);
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
                        if (begunOnly) {
                            retireWorker();
                        }
                        return DRAINED;
                    }
                    deliveries = 0;
                    if (item instanceof HealthMonitor.Check) {
                        mailbox.probePolled();
                        ((HealthMonitor.Check) item).reached(inc);
                        continue;
                    }
                    polled++;
                }
                if (budget-- <= 0) {
                    redeliverItem = item; // back to the front: the redelivery slot is read before the queue
                    redeliverCount = deliveries;
                    return YIELD;
                }
                begunOnly = false;
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
        if (inc.cancelled) {
            inc.ended = true;
            return;
        }
        if (deadlinePassed && state() == ComponentState.STOPPING) {
            inc.ended = true; // restarted to drain, past the deadline (its state factory may keep failing)
            inc.actual.onError(new Signals.Stop(tree.closing ? "shutdown deadline passed" : "stop deadline passed"));
            return;
        }
        Object fresh;
        try {
            fresh = Objects.requireNonNull(cspec.newState(), "state factory returned null");
        } catch (Throwable t) {
            tree.publish(new SupervisionEvent.Crashed(path(), Tree.now(), t, null));
            Tree.LOG.warn("'{}': state factory failed", path(), t);
            inc.ended = true;
            inc.actual.onError(t);
            return;
        }
        inc.state = fresh;
        current = inc;
        incarnationStarted(state() == ComponentState.STOPPING);
        inc.startHealthCheck();
        tellStarted();
    }

    /**
     * Ends an incarnation: its timers stop, its state is closed, its pipeline hears how it
     * ended. A state whose {@code close()} throws anything turns a normal end into a crash.
     */
    private void finish(Incarnation inc, @Nullable Throwable signal, boolean stable) {
        inc.ended = true;
        current = null;
        inc.stopTimers();
        Throwable end = signal;
        Object s = inc.state;
        if (s instanceof AutoCloseable) {
            try {
                ((AutoCloseable) s).close();
            } catch (Throwable t) {
                Tree.LOG.warn("'{}': closing the state of an ended incarnation failed", path(), t);
                if (end == null || end instanceof Signals.Signal) {
                    tree.publish(new SupervisionEvent.Crashed(path(), Tree.now(), t, null));
                    end = t;
                } else {
                    end.addSuppressed(t);
                }
            }
        }
        if (inc.cancelled) {
            return; // nobody listens: the canceller settles the end
        }
        if (end == null) {
            inc.actual.onComplete();
            return;
        }
        if (stable) {
            inc.actual.onNext(STABLE); // ran its reset-after: the backoff sequence starts over
        }
        inc.actual.onError(end);
    }

    /** The incarnation crashed on {@code item} (null when on none): publish, redeliver or dead-letter, end it. */
    void crash(Incarnation inc, @Nullable Object item, int deliveries, Throwable cause) {
        if (cause instanceof NormalExit) {
            if (item != null) {
                replied(item, null);
            }
            finish(inc, cause, false);
            return;
        }
        String path = path(); // built on demand: once here
        if (cause instanceof VirtualMachineError && !(cause instanceof StackOverflowError)) {
            Tree.LOG.error("'{}': fatal error in handler; the component is restarted but the JVM may be unstable",
                    path, cause);
        }
        Object message = item instanceof Ask ? ((Ask) item).message : item;
        tree.publish(new SupervisionEvent.Crashed(path, Tree.now(), cause, message));
        Tree.LOG.warn("'{}' crashed on {}", path, message, cause);
        if (item != null) {
            if (deliveries < cspec.redeliveries()) {
                redeliverItem = item;
                redeliverCount = deliveries + 1;
            } else {
                deadLetter(item, DeadLetterReason.CRASHED, cause);
            }
        }
        finish(inc, cause, stableFor(nowNanos()));
    }

    /** A kill took the message in progress (or none): a deadline dead-letters it and stops, anything else crashes. */
    private void settleKill(Incarnation inc, Throwable cause) {
        Object item = inc.killedItem;
        inc.killedItem = null;
        if (cause instanceof DeadlinePassed) {
            if (item != null) {
                deadLetter(item, refusalReason(ComponentState.STOPPED), null);
            }
            finish(inc, new Signals.Stop(tree.closing ? "shutdown deadline passed" : "stop deadline passed"), false);
            return;
        }
        crash(inc, item, inc.killedDeliveries, cause);
    }

    /** The handler finished a message: reply, count it. */
    void replied(Object item, @Nullable Object reply) {
        if (item instanceof Ask) {
            MonoSink<Object> sink = ((Ask) item).sink;
            if (reply == null) {
                sink.success();
            } else {
                sink.success(reply);
            }
        }
        HANDLED.lazySet(this, handled + 1);
    }

    // ------------------------------------------------------------------ dead letters

    private int flushDeadLetters() {
        int polled = 0;
        DeadLetterReason reason = refusalReason(state());
        Throwable cause = reason == DeadLetterReason.COMPONENT_FAILED ? failureCause : null;
        Object item = redeliverItem;
        if (item != null) {
            redeliverItem = null;
            deadLetter(item, reason, cause);
        }
        while ((item = mailbox.poll()) != null) {
            if (item instanceof HealthMonitor.Check) {
                mailbox.probePolled();
                continue;
            }
            polled++;
            deadLetter(item, reason, cause);
        }
        return polled;
    }

    void deadLetter(Object item, DeadLetterReason reason, @Nullable Throwable cause) {
        deadLetter(item instanceof Ask ? ((Ask) item).message : item, reason, cause, item);
    }

    /** Publishes a message that will not be handled and fails its ask, if it is one. */
    private void deadLetter(Object message, DeadLetterReason reason, @Nullable Throwable cause, Object item) {
        String path = path(); // built on demand: once here
        if (item instanceof Ask) {
            ((Ask) item).sink.error(reason == DeadLetterReason.CRASHED && cause != null
                    ? new MessageCrashedException(path, cause)
                    : new ComponentUnavailableException(path, reason == DeadLetterReason.COMPONENT_FAILED
                            ? ComponentState.FAILED : ComponentState.STOPPED, cause));
        }
        DEAD.incrementAndGet(this);
        tree.publish(new SupervisionEvent.DeadLetter(path, Tree.now(), message, reason, cause));
        Tree.LOG.debug("dead letter for '{}' ({}): {}", path, reason, message);
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    Flux<Object> incarnations() {
        return new Flux<Object>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> actual) {
                Incarnation inc = new Incarnation(ComponentCell.this, actual);
                actual.onSubscribe(inc);
                pending = inc;
                signal();
            }
        };
    }

    @Override
    void ended(@Nullable Throwable cause) {
        Disposable deadline = stopDeadline;
        if (deadline != null) {
            stopDeadline = null;
            deadline.dispose();
        }
        if (state() == ComponentState.FAILED) {
            failureCause = cause instanceof Signals.Signal && cause.getCause() != null ? cause.getCause() : cause;
        }
        endCause = cause;
        endPending = true;
        signal();
    }

    @Override
    void terminate() {
        Incarnation inc = current;
        if (inc == null) {
            inc = pending;
        }
        if (inc != null) {
            inc.terminateRequested = true;
            signal();
        }
    }

    @Override
    void stop(Duration deadline) {
        if (!moveTo(ComponentState.STOPPING)) {
            return;
        }
        deadlinePassed = false;
        // a stop that completes at once (on Schedulers.immediate()) needs no timer
        signal();
        if (!state().isTerminal()) {
            Disposable timer = timer().schedule(this::deadlinePassed, deadline.toNanos(), TimeUnit.NANOSECONDS);
            stopDeadline = timer;
            if (state().isTerminal()) {
                timer.dispose(); // it ended meanwhile, maybe before ended() could see the timer
            }
        }
    }

    /** The stop's deadline passed: the message in progress and what is left become dead letters. */
    private void deadlinePassed() {
        if (state().isTerminal()) {
            return;
        }
        Tree.LOG.warn("'{}' did not drain its mailbox within the stop deadline", path());
        deadlinePassed = true;
        Incarnation inc = current;
        if (inc == null) {
            inc = pending;
        }
        if (inc != null) {
            inc.kill(new DeadlinePassed());
            return;
        }
        // between incarnations (a crash while stopping, waiting out its restart delay): it ends now
        cancelPipeline();
        stopped(tree.closing ? "shutdown deadline passed" : "stop deadline passed");
        ended(new Signals.Stop("stop deadline passed"));
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

    @Override
    ComponentSnapshot snapshot() {
        Map<String, String> g;
        synchronized (this) {
            g = guards == null ? Map.of() : Map.copyOf(guards);
        }
        return new ComponentSnapshot(name, path(), state(), restarts, uptime(), mailbox.depth(), handled, deadLetters,
                g);
    }

    /** The kill a stop's deadline posts: not a crash; the message in progress is dead-lettered. */
    static final class DeadlinePassed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeadlinePassed() {
            super("stop deadline passed", null, false, false);
        }
    }
}
