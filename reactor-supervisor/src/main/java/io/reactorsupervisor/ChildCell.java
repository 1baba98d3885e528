package io.reactorsupervisor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;
import reactor.util.retry.Retry;

/**
 * The running side of one child of a supervisor, component or supervisor alike: its one
 * lifecycle state, and its <em>pipeline</em>.
 *
 * <p>A child runs as {@code incarnations().retryWhen(retry)}. Each subscription to
 * {@link #incarnations()} is one incarnation with fresh state; {@code retry} is the Reactor
 * spec of the child's {@link RestartStrategy}. The crash path, end to end: an incarnation
 * ends with an error; {@code retryWhen} hands it to the spec; the spec's before-retry hook
 * ({@link #admission}) posts {@link Signals.Crashed} to the parent's queue and waits for the
 * verdict, which the parent's drain decides ({@code SupervisorCell#decide}); a restart
 * completes the hook, Reactor waits the backoff, the after-retry hook ({@link #startOrder})
 * lets a group restart order the start, and the resubscription is the next incarnation. A
 * verdict to stop or give up fails the hook with a {@link Signals.Signal}, which the spec
 * does not retry: the pipeline ends and the child tells its parent ({@link Signals.Ended}).
 *
 * <p>Which of the parent's fields are whose: {@link #window} and {@link #gate} are written
 * by the parent's drain only; {@link #state} moves by {@link #moveTo} alone.
 */
abstract class ChildCell extends Drain implements CoreSubscriber<Object> {

    /* A VarHandle, as Drain's: the cells are subclasses. */
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(ChildCell.class, "state", ComponentState.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ChildSpec spec;
    final String name;
    final @Nullable SupervisorCell parent;
    final Tree tree;

    private volatile ComponentState state = ComponentState.STARTING;
    volatile long restarts;
    /** Start of the current incarnation on {@link #timer()}'s clock, in nanoseconds; -1 between incarnations. */
    volatile long incarnationStart = -1;
    private boolean startedOnce; // written by whoever starts an incarnation, one at a time
    private volatile @Nullable Subscription pipeline;

    /** Start order among its siblings: children start in this order and stop in reverse. */
    final int seq;
    /** The parent's: the restart window, created at the first restart (an idle child keeps none). */
    @Nullable RestartWindow window;
    /** The parent's: where the crashed child of a group restart waits for its turn to start. */
    volatile Sinks.@Nullable Empty<Void> gate;
    /** The parent's: whether the child's pipeline runs (it ends with the child's {@link Signals.Ended}). */
    boolean live;
    /**
     * The parent's: a restart was granted and the child waits out its (non-zero) delay; the
     * child clears it when its next incarnation begins.
     */
    volatile boolean awaitingRestart;
    /** Why a graceful stop was asked, when it says more than "shut down" (a keyed component's passivation). */
    volatile @Nullable String stopReason;
    /** The parent's: it waits to hear that the next incarnation has started ({@link Signals.Started}). */
    volatile boolean startAwaited;

    ChildCell(ChildSpec spec, @Nullable SupervisorCell parent, Tree tree, int seq) {
        this(spec, spec.name(), parent, tree, seq);
    }

    /** A child named apart from its spec: a keyed component, named by its key, shares its set's template. */
    ChildCell(ChildSpec spec, String name, @Nullable SupervisorCell parent, Tree tree, int seq) {
        this.spec = spec;
        this.name = name;
        this.parent = parent;
        this.tree = tree;
        this.seq = seq;
    }

    /**
     * The path in the tree, built when asked for (events, logs, errors), never on the message
     * path: keeping it would cost every idle child a string. Built without recursion, for a
     * tree of any depth.
     */
    public String path() {
        if (parent == null) {
            return name;
        }
        if (parent.parent == null) {
            return parent.name + "/" + name;
        }
        ArrayDeque<String> names = new ArrayDeque<>();
        for (ChildCell c = this; c != null; c = c.parent) {
            names.push(c.name);
        }
        return String.join("/", names);
    }

    final ComponentState state() {
        return state;
    }

    /**
     * The one place the lifecycle moves: to {@code next} if {@link ComponentState#canMoveTo}
     * allows it from the state now.
     *
     * @return false if the transition is not allowed from the current state
     */
    final boolean moveTo(ComponentState next) {
        for (;;) {
            ComponentState now = state;
            if (!now.canMoveTo(next)) {
                return false;
            }
            if (STATE.compareAndSet(this, now, next)) {
                return true;
            }
        }
    }

    /** A cold Flux whose every subscription runs one incarnation; it emits only {@link #STABLE}. */
    abstract Flux<Object> incarnations();

    /** A new pipeline is about to start (a first start, or a start again after the child ended or was parked). */
    void launched() {
    }

    /** Asks the current incarnation to end (a group restart); its pipeline then ends with {@link Signals.Terminated}. */
    abstract void terminate();

    /** Graceful stop within the deadline: finish, drain, end; the pipeline then ends and the parent hears of it. */
    abstract void stop(Duration deadline);

    /** The pipeline ended or was cancelled; the child is now terminal: flush what it holds, then tell the parent. */
    abstract void ended(@Nullable Throwable cause);

    abstract ChildSnapshot snapshot();

    /** The scheduler of restart delays and timers, and the clock of restart windows and uptime. */
    final Scheduler timer() {
        return spec.restartStrategy().scheduler();
    }

    final long nowNanos() {
        return timer().now(TimeUnit.NANOSECONDS);
    }

    /**
     * The time of an event from a reading of {@link #timer()}'s clock already made: one read
     * serves both where the timer's clock is the tree's ({@link RestartStrategy#onDefaultScheduler}),
     * a clock read being a system call's worth on a hot path.
     */
    final Instant eventTime(long timerNanos) {
        return spec.restartStrategy().onDefaultScheduler()
                ? Instant.ofEpochMilli(TimeUnit.NANOSECONDS.toMillis(timerNanos)) : Tree.now();
    }

    final Duration uptime() {
        long start = incarnationStart;
        return start < 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, nowNanos() - start));
    }

    /** The restart window of this child; the parent's drain only. */
    final RestartWindow window() {
        RestartWindow w = window;
        if (w == null) {
            w = new RestartWindow(spec.restartLimit());
            window = w;
        }
        return w;
    }

    // ------------------------------------------------------------------ the pipeline

    /** Emitted by an incarnation that ran its strategy's reset-after without crashing: the backoff starts over. */
    static final Object STABLE = new Object();

    /** Starts (or, after it ended, starts again) the child with a new pipeline. */
    final void startPipeline() {
        launched();
        moveTo(ComponentState.STARTING);
        SupervisorCell p = parent;
        // only a group restart gates a start: under one-for-one the spec goes without that hook
        boolean gated = p != null && p.sspec.strategy() != SupervisionStrategy.ONE_FOR_ONE;
        incarnations().retryWhen(spec.restartStrategy().retry(gated)).subscribe(this);
    }

    /** Cancels the pipeline (a pending restart delay, a wait at the gate, or a running incarnation). */
    final void cancelPipeline() {
        Subscription p = pipeline;
        if (p != null) {
            pipeline = null;
            p.cancel();
        }
    }

    @Override
    public final void onSubscribe(Subscription s) {
        pipeline = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public final void onNext(Object stable) {
        // STABLE resets the spec's attempts in a row; nothing to do here
    }

    @Override
    public final void onError(Throwable e) {
        pipeline = null;
        pipelineEnded(e);
    }

    @Override
    public final void onComplete() {
        pipeline = null;
        pipelineEnded(null);
    }

    /** The hooks find their child here: one Retry spec per strategy serves every child. */
    @Override
    public final Context currentContext() {
        return Context.of(ChildCell.class, this);
    }

    /** The spec's filter: the library's verdicts end the pipeline, everything else is a crash to decide on. */
    static boolean retriable(Throwable t) {
        return !(t instanceof Signals.Signal);
    }

    /** The before-retry hook: asks the parent for admission; the crash signal is the Mono that waits for its verdict. */
    static Mono<Void> admission(Retry.RetrySignal signal) {
        return new Signals.Crashed(signal.failure(), signal.totalRetriesInARow());
    }

    /** The after-retry hook: the delay has elapsed; a group restart orders the start, otherwise start now. */
    static Mono<Void> startOrder(Retry.RetrySignal signal) {
        return Mono.deferContextual(ctx -> ctx.get(ChildCell.class).awaitStartOrder());
    }

    private Mono<Void> awaitStartOrder() {
        Sinks.Empty<Void> g = gate;
        if (g == null) {
            return Mono.empty();
        }
        SupervisorCell p = parent;
        if (p != null) {
            p.post(new Signals.DelayElapsed(this));
        }
        return g.asMono();
    }

    /**
     * The directive of the failure that just ended an incarnation, read once by the crash path:
     * {@link Directive#RESTART} unless a component's handler failure chose another.
     */
    Directive takeDirective() {
        return Directive.RESTART;
    }

    /** Called by an incarnation once it has started: the lifecycle moves and an event says so. */
    final void incarnationStarted(boolean stopping) {
        long now = nowNanos();
        incarnationStart = now;
        if (!stopping) {
            moveTo(ComponentState.RUNNING);
        }
        String path = path(); // built on demand: once here
        if (!startedOnce) {
            startedOnce = true;
            tree.publish(new SupervisionEvent.Started(path, eventTime(now)));
            Tree.LOG.debug("'{}' started", path);
        } else {
            long n = ++restarts;
            tree.publish(new SupervisionEvent.Restarted(path, eventTime(now), n));
            if (Tree.LOG.isInfoEnabled()) { // unboxed while the log is off: restarts are a hot path
                Tree.LOG.info("'{}' restarted ({} restarts in all)", path, n);
            }
        }
    }

    /** Tells the parent that an incarnation has started (a supervisor's: with its declared children). */
    final void tellStarted() {
        SupervisorCell p = parent;
        if (p != null) {
            p.post(new Signals.Started(this));
        }
    }

    /** Whether the incarnation now running has run its strategy's reset-after: it emits {@link #STABLE} before it ends. */
    final boolean stable() {
        Duration resetAfter = spec.restartStrategy().resetAfter();
        long start = incarnationStart;
        return resetAfter != null && start >= 0 && nowNanos() - start >= resetAfter.toNanos(); // no clock read without it
    }

    /** The pipeline ended: the lifecycle moves to where the signal says, then the child flushes and tells its parent. */
    private void pipelineEnded(@Nullable Throwable e) {
        incarnationStart = -1;
        if (e instanceof Signals.Terminated || e instanceof Signals.StartFailed) {
            // parked: the supervisor starts it again, or decides that it has failed
            moveTo(ComponentState.RESTARTING);
            ended(e);
            return;
        }
        if (e == null || e instanceof Signals.Stop) {
            String given = stopReason;
            String reason = e == null ? (given != null ? given : "shut down") : ((Signals.Stop) e).reason;
            stopped(reason);
        } else {
            failed(Signals.unwrap(e));
        }
        ended(e);
    }

    /** Moves to STOPPED and says so; false if it had already ended. */
    final boolean stopped(String reason) {
        if (!moveTo(ComponentState.STOPPED)) {
            return false;
        }
        String path = path();
        tree.publish(new SupervisionEvent.Stopped(path, Tree.now(), reason));
        Tree.LOG.debug("'{}' stopped: {}", path, reason);
        return true;
    }

    /** Moves to FAILED and says so; false if it had already ended. */
    final boolean failed(Throwable cause) {
        if (!moveTo(ComponentState.FAILED)) {
            return false;
        }
        String path = path();
        tree.publish(new SupervisionEvent.Failed(path, Tree.now(), cause));
        String previousMdc = Mdc.put(path);
        try {
            Tree.LOG.error("'{}' gave up: {}", path, cause.toString());
        } finally {
            Mdc.restore(previousMdc);
        }
        return true;
    }

    /** Tells the parent that the pipeline has ended and everything the child held was flushed. */
    final void tellEnded(@Nullable Throwable cause) {
        SupervisorCell p = parent;
        if (p != null) {
            p.post(new Signals.Ended(this, cause));
        }
    }

    /** Identity, as Object's. */
    @Override
    public final boolean equals(@Nullable Object o) {
        return this == o;
    }

    /**
     * Its start order: unique among its siblings, the keys of its supervisor's maps, and with no
     * identity hash to compute (a call into the VM) for each child started.
     */
    @Override
    public final int hashCode() {
        return seq;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path() + " " + state + "]";
    }
}
