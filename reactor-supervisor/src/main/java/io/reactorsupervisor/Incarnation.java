package io.reactorsupervisor;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One incarnation of a component: its fresh state, calling the handler with it, and being
 * killed. It is the subscription its pipeline holds; it never emits items but
 * {@link ChildCell#STABLE}, and it ends once, with {@code onComplete} (a stop drained the
 * mailbox) or {@code onError} (a crash, a normal exit, or a supervisor's verdict).
 *
 * <p>Everything that ends it runs in the component's drain: the state's {@code close()} is
 * user code. A timer (health check, processing timeout, stop deadline) only <em>posts</em> a
 * kill: it takes the message in progress away from the handler ({@link #RUNNING} for a
 * synchronous handler, {@link InFlight#cancel()} for an asynchronous one; whoever takes it
 * owns it), interrupts a synchronous handler's thread and hands the drain to a new task,
 * since that thread may never come back.
 */
final class Incarnation implements Subscription {

    /** Left in {@link #running} by a kill: the thread that was running the handler has been abandoned. */
    private static final Object ABANDONED = new Object();

    private static final AtomicReferenceFieldUpdater<Incarnation, Object> RUNNING =
            AtomicReferenceFieldUpdater.newUpdater(Incarnation.class, Object.class, "running");
    private static final AtomicReferenceFieldUpdater<Incarnation, Throwable> KILL =
            AtomicReferenceFieldUpdater.newUpdater(Incarnation.class, Throwable.class, "killCause");
    private static final AtomicIntegerFieldUpdater<Incarnation> INTERRUPTS =
            AtomicIntegerFieldUpdater.newUpdater(Incarnation.class, "interrupts");

    /** Bits of {@link #interrupts}: what the drain must look at before the next message. */
    static final int CANCELLED = 1;
    static final int KILLED = 2;
    static final int FAILED_REPLY = 4;
    static final int TERMINATE = 8;
    /** The health check asks for its probe over the state: the drain runs it before the next message. */
    static final int PROBE = 16;

    final ComponentCell cell;
    final CoreSubscriber<? super Object> actual;
    /** A health check or a processing timeout can kill it at any moment, a stop's deadline aside. */
    private final boolean killable;
    /** Created by the drain when the incarnation begins; null before, or if the factory failed. */
    @Nullable Object state;
    /** Set by the drain when the incarnation has ended: nothing runs on it any more. */
    boolean ended;
    /** Anything that happened to this incarnation from outside the drain, as bits; 0 while nothing did. */
    volatile int interrupts;
    volatile @Nullable Throwable killCause;
    /** What a kill took from the handler (null when it took nothing), for the drain to settle. */
    volatile @Nullable Object killedItem;
    volatile int killedDeliveries;
    /** An asynchronous handler's Mono in progress; the drain waits while there is one. */
    volatile @Nullable InFlight inFlight;
    /** An asynchronous handler's error, for the drain to turn into a crash. */
    volatile @Nullable InFlight failedReply;
    volatile @Nullable Throwable failure;

    /** The message a synchronous handler is running, {@link #ABANDONED} once a kill took it. */
    private volatile @Nullable Object running;
    private int runningDeliveries;
    private @Nullable Thread runner;
    private volatile @Nullable Disposable timeout;
    /** The kill of the processing timeout, handled by its own directive. */
    private volatile @Nullable TimeoutException timeoutKill;
    private @Nullable HealthMonitor health;
    /** The observation of a synchronous handling in progress, ended by the handler's end or a kill. */
    private volatile @Nullable Observed handling;

    /** A persistent component's: what it starts from and its checkpoints since; null for any other. */
    Checkpoints.@Nullable Restore restore;

    Incarnation(ComponentCell cell, CoreSubscriber<? super Object> actual) {
        this.cell = cell;
        this.actual = actual;
        this.killable = cell.cspec.healthCheck() != null || cell.cspec.processingTimeout() != null;
    }

    @Override
    public void request(long n) {
        // emits nothing on request
    }

    @Override
    public void cancel() {
        raise(CANCELLED);
        cell.signal();
    }

    /** Whether the pipeline cancelled this incarnation: nobody listens to how it ends. */
    boolean cancelled() {
        return (interrupts & CANCELLED) != 0;
    }

    /** Tells the drain that something happened to this incarnation; then signal the drain. */
    void raise(int bit) {
        int v;
        do {
            v = interrupts;
        } while (!INTERRUPTS.compareAndSet(this, v, v | bit));
    }

    /** Clears a bit the drain has dealt with. */
    void clear(int bit) {
        int v;
        do {
            v = interrupts;
        } while (!INTERRUPTS.compareAndSet(this, v, v & ~bit));
    }

    /**
     * Whether a message is in progress: a synchronous handler runs, or an asynchronous one's
     * {@code Mono} has not ended. Read by the health check's timer without synchronizing: a
     * stale answer is corrected by the progress counter it reads with it.
     */
    boolean busy() {
        return runner != null || inFlight != null;
    }

    /** Whether this thread is running this incarnation's handler now. */
    boolean isRunningHandler() {
        return runner == Thread.currentThread();
    }

    // ------------------------------------------------------------------ the state (the drain only)

    /**
     * Creates the fresh state with the spec's factory, on the component's scheduler.
     *
     * @return false if the factory threw (anything): the incarnation has ended with that crash
     */
    boolean createState() {
        try {
            Checkpoints cp = cell.checkpoints;
            Checkpoints.Restore r = restore;
            if (cp != null && r != null) {
                r.lastCheckpointNanos = cell.nowNanos();
                state = Objects.requireNonNull(cp.start(this, r), "state factory returned null");
            } else {
                state = Objects.requireNonNull(cell.cspec.newState(), "state factory returned null");
            }
            return true;
        } catch (Throwable t) {
            if (cell.checkpoints != null) {
                cell.checkpoints.crashed(this);
            }
            cell.crashed();
            cell.tree.publish(new SupervisionEvent.Crashed(cell.path(), Tree.now(), t, null, Directive.RESTART));
            Tree.LOG.warn("'{}': state factory failed", cell.path(), t);
            ended = true;
            actual.onError(t);
            return false;
        }
    }

    /**
     * Ends this incarnation: its timers stop, its state is closed, its pipeline hears how it
     * ended ({@code signal} null: completed). A state whose {@code close()} throws anything
     * turns a normal end (a stop, or a {@link NormalExit}) into a crash. {@code stable}: it ran its strategy's reset-after, and
     * says so with {@link ChildCell#STABLE} first, so that the backoff sequence starts over.
     */
    void end(@Nullable Throwable signal, boolean stable) {
        ended = true;
        stopTimers();
        Throwable end = signal;
        Checkpoints cp = cell.checkpoints;
        if (cp != null && (end == null || end instanceof Signals.Terminated)) {
            cp.ending(this); // a stop that drained, or a group restart between two messages: the state is at rest
        }
        if (state instanceof AutoCloseable) {
            try {
                ((AutoCloseable) state).close();
            } catch (Throwable t) {
                Tree.LOG.warn("'{}': closing the state of an ended incarnation failed", cell.path(), t);
                if (end == null || end instanceof Signals.Signal || end instanceof NormalExit) {
                    cell.crashed();
                    cell.tree.publish(new SupervisionEvent.Crashed(cell.path(), Tree.now(), t, null,
                            Directive.RESTART));
                    end = t;
                } else {
                    end.addSuppressed(t);
                }
            }
        }
        if (cancelled()) {
            return; // nobody listens: the canceller settles the end
        }
        if (end == null) {
            actual.onComplete();
            return;
        }
        if (stable) {
            actual.onNext(ChildCell.STABLE);
        }
        actual.onError(end);
    }

    // ------------------------------------------------------------------ handling (the drain only)

    /**
     * Hands one message to the handler.
     *
     * @return false if a kill abandoned this thread meanwhile: the drain belongs to another task now
     */
    boolean handle(Object item, int deliveries) {
        MessageObserver observer = cell.tree.observer;
        ContextView context = item instanceof Envelope ? ((Envelope) item).context : null;
        Observed observed = null;
        if (observer != null) {
            observed = Observed.handling(observer, cell.ref, Envelope.message(item),
                    context != null ? context : Context.empty());
            context = observed.context();
        }
        if (context != null && !context.isEmpty()) {
            // the sender's ThreadLocal values (MDC, tracing) while the handler runs and its Mono is subscribed
            ThreadLocals.Scope scope = ThreadLocals.restore(context);
            try {
                return handleNow(item, deliveries, observed);
            } finally {
                scope.close();
            }
        }
        return handleNow(item, deliveries, observed);
    }

    private boolean handleNow(Object item, int deliveries, @Nullable Observed observed) {
        Object message = Envelope.message(item);
        handling = observed;
        BiFunction<Object, Object, ?> sync = cell.cspec.syncHandler();
        Thread.interrupted(); // an interrupt left over from an earlier message is not this one's
        startTimeout();
        runner = Thread.currentThread();
        // a kill can abandon this thread (health check, processing timeout, or a stop under way): the
        // message goes to whoever takes it first. Otherwise no kill can come but a stop's, armed later,
        // which interrupts this thread and lets the drain settle the message when the handler returns
        boolean guarded = killable || cell.stopArmed;
        if (guarded) {
            runningDeliveries = deliveries;
            RUNNING.lazySet(this, item);
        }
        Object result = null;
        Throwable error = null;
        try {
            result = sync != null ? sync.apply(state, message)
                    : Objects.requireNonNull(cell.cspec.asyncHandler()).apply(state, message);
        } catch (Throwable t) {
            error = t;
        }
        runner = null;
        if (guarded) {
            if (RUNNING.getAndSet(this, null) != item) {
                Thread.interrupted(); // our interrupt: leave the pooled thread clean
                return false; // the kill ended the observation
            }
        } else if ((interrupts & KILLED) != 0) {
            // a stop's deadline passed while the handler ran: the message is a dead letter, not a reply
            stopTimeout();
            killedItem = item;
            killedDeliveries = deliveries;
            endHandling(killCause);
            return true;
        }
        if (error == null && sync == null && result == null) {
            error = new NullPointerException("handler of '" + cell.path() + "' returned null instead of a Mono");
        }
        if (error != null) {
            stopTimeout();
            endHandling(error);
            crashed(item, deliveries, error, cell.cspec.directiveFor(error));
            return true;
        }
        if (sync != null) {
            stopTimeout();
            endHandling(null);
            succeeded(item, result);
            return true;
        }
        Mono<?> mono = (Mono<?>) Objects.requireNonNull(result);
        if (mono instanceof Callable) {
            // Mono.just, Mono.empty, Mono.error, Mono.fromCallable: no subscription needed
            Object reply;
            try {
                reply = ((Callable<?>) mono).call();
            } catch (Throwable t) {
                stopTimeout();
                // Mono.error(anError).call() throws the Error wrapped by Exceptions.propagate
                Throwable cause = Exceptions.unwrap(t);
                endHandling(cause);
                crashed(item, deliveries, cause, cell.cspec.directiveFor(cause));
                return true;
            }
            stopTimeout();
            endHandling(null);
            succeeded(item, reply);
            return true;
        }
        handling = null; // the in-flight subscriber ends it
        InFlight f = new InFlight(this, item, deliveries, observed);
        inFlight = f;
        try {
            mono.subscribe(f);
        } catch (Throwable t) {
            // Reactor rethrows JVM-fatal errors (StackOverflowError, LinkageError, ...) out of subscribe
            // instead of signalling them: a crash like any other, or the drain would be lost
            f.onError(t);
        }
        f.subscribing = false;
        return true;
    }

    /** An asynchronous handler's Mono ended: a reply is given at once; an error waits for the drain. */
    void replied(InFlight f, @Nullable Object value, @Nullable Throwable error) {
        stopTimeout();
        if (error != null) {
            failure = error;
            failedReply = f;
            raise(FAILED_REPLY);
        } else {
            succeeded(f.item, value);
        }
        inFlight = null;
        if (!f.subscribing) {
            cell.signal();
        }
    }

    /** A message was handled: a checkpoint if one is due (before the reply: who got it can rely on it), then the reply. */
    private void succeeded(Object item, @Nullable Object reply) {
        Checkpoints cp = cell.checkpoints;
        if (cp != null) {
            cp.handled(this);
        }
        cell.replied(item, reply);
    }

    /**
     * Failed on {@code item} (null when on none): publish, then follow the directive. RESUME
     * rejects the message and carries on; the others redeliver or dead-letter it and end the
     * incarnation, whose pipeline takes the directive to the supervisor. The drain only.
     */
    void crashed(@Nullable Object item, int deliveries, Throwable cause, Directive directive) {
        if (cause instanceof NormalExit) {
            if (item != null) {
                cell.replied(item, null);
            }
            cell.finish(this, cause, false);
            return;
        }
        String path = cell.path(); // built on demand: once here
        if (cause instanceof VirtualMachineError && !(cause instanceof StackOverflowError)) {
            Tree.LOG.error("'{}': fatal error in handler; the component is restarted but the JVM may be unstable",
                    path, cause);
        }
        Object message = Envelope.message(item);
        Instant at = Tree.now(); // one clock read for the crash and its dead letter
        cell.crashed();
        cell.tree.publish(new SupervisionEvent.Crashed(path, at, cause, message, directive));
        cell.lastDirective = directive;
        if (directive == Directive.RESUME && item != null) {
            if (Tree.LOG.isInfoEnabled()) {
                Tree.LOG.info("'{}' rejected {} and carries on: {}", path, cell.cspec.describe(message),
                        cause.getClass().getName());
            }
            cell.deadLetter(item, cause instanceof MessageTooLargeException ? DeadLetterReason.TOO_LARGE
                    : DeadLetterReason.REJECTED, cause, path, at);
            return;
        }
        if (Tree.LOG.isWarnEnabled()) {
            Tree.LOG.warn("'{}' crashed on {} ({})", path, cell.cspec.describe(message), directive, cause);
        }
        if (item != null) {
            if (directive == Directive.RESTART && deliveries < cell.cspec.redeliveries()) {
                cell.redeliver(item, deliveries + 1);
            } else {
                cell.deadLetter(item, DeadLetterReason.CRASHED, cause, path, at);
            }
        }
        if (cell.checkpoints != null) {
            cell.checkpoints.crashed(this);
        }
        cell.pendingDirective = directive;
        cell.finish(this, cause, cell.stable());
    }

    /**
     * A kill took the message in progress (or none): a deadline dead-letters it and stops; a
     * processing timeout follows its directive; a failed health check crashes.
     */
    void settleKill(Throwable cause) {
        Object item = killedItem;
        killedItem = null;
        endHandling(cause); // a synchronous handler's: it may never return
        if (cause == timeoutKill) {
            Directive directive = cell.cspec.processingTimeoutDirective();
            if (directive == Directive.RESUME && item != null) {
                // an asynchronous handler's Mono was cancelled (build() refuses RESUME for a synchronous one):
                // the message is rejected and the incarnation carries on, killable again
                inFlight = null;
                killCause = null;
                clear(KILLED);
            }
            crashed(item, killedDeliveries, cause, directive);
            return;
        }
        if (cause instanceof StopDeadline.Passed) {
            if (item != null) {
                cell.deadLetter(item, cell.refusalReason(ComponentState.STOPPED), null);
            }
            cell.finish(this, new Signals.Stop(StopDeadline.reason(cell.tree)), false);
            return;
        }
        crashed(item, killedDeliveries, cause, Directive.RESTART);
    }

    // ------------------------------------------------------------------ kills (any thread)

    /**
     * Ends this incarnation from outside (health check, processing timeout, stop deadline):
     * takes the message in progress from its handler and lets the drain settle it.
     */
    void kill(Throwable cause) {
        if (!KILL.compareAndSet(this, null, cause)) {
            return;
        }
        Object item = RUNNING.getAndSet(this, ABANDONED);
        if (item != null && item != ABANDONED) {
            killedDeliveries = runningDeliveries;
            killedItem = item;
            Thread r = runner;
            if (r != null) {
                r.interrupt();
            }
            raise(KILLED); // after what it took is in place: the drain settles it
            cell.takeOver(); // that thread may never come back: drain on a new task
            return;
        }
        InFlight f = inFlight;
        if (f != null && f.cancel()) {
            killedDeliveries = f.deliveries;
            killedItem = f.item; // the cancelled Mono stays in flight: the drain settles the kill first
        }
        raise(KILLED);
        Thread r = runner;
        if (r != null) {
            // a handler that began before a stop was armed: interrupted, and the drain settles its message
            // (a dead letter) when it returns
            r.interrupt();
        }
        cell.signal();
    }

    private void startTimeout() {
        if (cell.cspec.processingTimeout() == null) {
            return;
        }
        long nanos = cell.cspec.processingTimeout().toNanos();
        timeout = cell.timer().schedule(() -> {
            TimeoutException t = new TimeoutException("handler of '" + cell.path()
                    + "' took longer than its processing timeout "
                    + Durations.human(Objects.requireNonNull(cell.cspec.processingTimeout())));
            timeoutKill = t; // before the kill: the drain tells it from the other kills by it
            kill(t);
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void endHandling(@Nullable Throwable error) {
        Observed o = handling;
        if (o != null) {
            handling = null;
            o.end(error);
        }
    }

    private void stopTimeout() {
        Disposable t = timeout;
        if (t != null) {
            timeout = null;
            t.dispose();
        }
    }

    // ------------------------------------------------------------------ health

    void startHealthCheck() {
        if (cell.cspec.healthCheck() != null) {
            HealthMonitor m = new HealthMonitor(cell, this);
            health = m;
            m.start();
        }
    }

    /** The drain reached the health check's probe, between two messages: it runs the spec's probe over the state. */
    void probe() {
        HealthMonitor m = health;
        if (m != null) {
            m.probeReached(this);
        }
    }

    /** The drain ends the incarnation: its timers stop. */
    void stopTimers() {
        stopTimeout();
        HealthMonitor m = health;
        if (m != null) {
            health = null;
            m.stop();
        }
    }
}
