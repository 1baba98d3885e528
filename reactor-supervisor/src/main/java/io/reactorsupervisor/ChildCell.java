package io.reactorsupervisor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.context.Context;
import reactor.util.retry.Retry;

/**
 * The running side of one child of a supervisor, component or supervisor alike.
 *
 * <p>A child runs as one <em>pipeline</em>: {@code incarnations().retryWhen(companion)}.
 * Each subscription to {@link #incarnations()} is one incarnation with fresh state; when it
 * ends with an error, the companion asks the parent supervisor what to do
 * ({@link SupervisorCell#decide}): restart after a delay, wait for a sibling group restart,
 * stop, or give up. A decision to stop or give up travels down the pipeline as a
 * {@link Signals.Signal} and ends it. A FAILED or STOPPED child can be revived by its
 * supervisor with a new pipeline: the mailbox (for a component) outlives all of this.
 *
 * <p>Restart bookkeeping ({@link #window}, {@link #attempt}, {@link #gate}) is guarded by the
 * parent supervisor's lock.
 */
abstract class ChildCell implements CoreSubscriber<Void> {

    final ChildSpec spec;
    final String name;
    final @Nullable SupervisorCell parent;
    final Tree tree;

    volatile ComponentState state = ComponentState.STARTING;
    volatile long restarts;
    /** Start of the current incarnation on {@link #timer()}'s clock, in nanoseconds. */
    volatile long incarnationStart;
    volatile boolean incarnationRunning;

    // guarded by parent's lock
    private @Nullable RestartWindow window;
    long attempt;
    Sinks.@Nullable One<Boolean> gate;
    private volatile @Nullable List<Runnable> afterDecision;
    /** The thread now inside {@link #signalEnd}'s {@code onError}, if any. */
    private volatile @Nullable Thread signalling;
    /** What a decision made inside {@link #signalEnd} left to do; only that thread touches it. */
    private @Nullable List<Runnable> afterSignal;

    private volatile boolean startedOnce;
    /** Whether a pipeline was ever started (the first may fail before its incarnation starts). */
    volatile boolean launched;
    /** Removed by its supervisor: the next decision stops it for good. */
    volatile boolean removed;
    /** A graceful stop is under way: incarnations drain the mailbox and end. */
    volatile boolean stopRequested;
    private volatile @Nullable Subscription pipeline;

    ChildCell(ChildSpec spec, @Nullable SupervisorCell parent, Tree tree) {
        this.spec = spec;
        this.name = spec.name();
        this.parent = parent;
        this.tree = tree;
    }

    /**
     * The path in the tree, built when asked for (events, logs, errors), never on the message
     * path: keeping it would cost every idle child a string.
     */
    public String path() {
        return parent == null ? name : parent.path() + "/" + name;
    }

    /** The restart window, created at the first restart: an idle child keeps none. Under the parent's lock. */
    final RestartWindow window() {
        RestartWindow w = window;
        if (w == null) {
            w = new RestartWindow(spec.restartLimit());
            window = w;
        }
        return w;
    }

    /** A cold Flux whose every subscription runs one incarnation; it never emits items. */
    abstract Flux<Void> incarnations();

    /** The child has become FAILED or STOPPED: flush what it holds. */
    abstract void afterTerminal(ComponentState terminal, @Nullable Throwable cause);

    /** Ends the current incarnation so that the parent can restart it with its siblings. */
    abstract void terminateForRestart();

    /** Stops accepting messages (the first step of a shutdown); what is queued is still handled. */
    abstract void close();

    /** Graceful stop within the deadline; see {@link Supervisor#shutdown(Duration)}. */
    abstract Mono<Void> stop(Duration deadline);

    abstract ChildSnapshot snapshot();

    /** The scheduler of restart delays and the clock of restart windows and uptime. */
    final Scheduler timer() {
        return spec.restartStrategy().scheduler();
    }

    final long nowNanos() {
        return timer().now(TimeUnit.NANOSECONDS);
    }

    final Duration uptime() {
        return incarnationRunning ? Duration.ofNanos(Math.max(0, nowNanos() - incarnationStart)) : Duration.ZERO;
    }

    /**
     * The companion of every child's pipeline, shared: it finds the child in the context of
     * the pipeline's subscriber, which is the child itself (see {@link #currentContext()}).
     */
    private static final Retry ASK_THE_SUPERVISOR = Retry.from(signals -> signals.concatMap(signal ->
            Mono.deferContextual(ctx -> ctx.get(ChildCell.class).onIncarnationEnded(signal.failure()))));

    /** Starts (or, after FAILED/STOPPED, revives) the child with a new pipeline. */
    final void startPipeline() {
        launched = true;
        state = ComponentState.STARTING;
        incarnations().retryWhen(ASK_THE_SUPERVISOR).subscribe(this);
    }

    // ------------------------------------------------------------------ the pipeline's subscriber

    @Override
    public final void onSubscribe(Subscription s) {
        pipeline = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public final void onNext(Void v) {
        // incarnations emit no items
    }

    @Override
    public final void onError(Throwable e) {
        pipelineError(e);
    }

    @Override
    public final void onComplete() {
        pipelineComplete();
    }

    @Override
    public final Context currentContext() {
        return Context.of(ChildCell.class, this);
    }

    /** Starts a FAILED or STOPPED child again with a new pipeline; its restart window starts over. */
    void revive() {
        stopRequested = false;
        window = null;
        attempt = 0;
        startPipeline();
    }

    /** Parks the child until its supervisor opens the gate: true restarts it, an error ends it. Under the parent's lock. */
    final Mono<Boolean> awaitGate() {
        Sinks.One<Boolean> g = Sinks.one();
        gate = g;
        state = ComponentState.RESTARTING;
        return g.asMono();
    }

    /**
     * Ends the current incarnation with {@code signal} for the parent to decide on, then runs
     * what that decision left to do. {@code FluxRetryWhen} hands the signal to the companion
     * before it requests the companion's next trigger, so a restart this child's own decision
     * triggers (the opening of a group restart) must wait until {@code onError} has returned,
     * or this child would restart after its siblings instead of in start order. (When the
     * companion is still busy with the previous restart, it decides later; see
     * {@link #onIncarnationEnded}.)
     */
    final void signalEnd(CoreSubscriber<? super Void> actual, Throwable signal) {
        Thread previous = signalling;
        signalling = Thread.currentThread();
        try {
            actual.onError(signal);
        } finally {
            signalling = previous;
        }
        List<Runnable> after = afterSignal;
        if (after != null) {
            afterSignal = null;
            after.forEach(Runnable::run);
        }
    }

    /** Under the parent's lock, during this child's decision: run these once its end signal has returned. */
    final void afterDecision(List<Runnable> actions) {
        if (!actions.isEmpty()) {
            afterDecision = actions;
        }
    }

    /** Called by an incarnation when it starts. */
    final void incarnationStarted() {
        incarnationStart = nowNanos();
        incarnationRunning = true;
        state = stopRequested ? ComponentState.STOPPING : ComponentState.RUNNING;
        String path = path(); // built on demand: once here
        if (!startedOnce) {
            startedOnce = true;
            tree.publish(new SupervisionEvent.Started(path, Tree.now()));
            Tree.LOG.debug("'{}' started", path);
        } else {
            long n = ++restarts;
            tree.publish(new SupervisionEvent.Restarted(path, Tree.now(), n));
            Tree.LOG.info("'{}' restarted ({} restarts in all)", path, n);
        }
    }

    private Mono<?> onIncarnationEnded(Throwable failure) {
        incarnationRunning = false;
        if (parent == null) {
            // a root has nobody to restart it
            return Mono.error(failure instanceof Signals.Signal ? failure : new Signals.GiveUp(failure));
        }
        Mono<?> decision = parent.decide(this, failure);
        List<Runnable> after = afterDecision;
        if (after == null) {
            return decision;
        }
        afterDecision = null;
        if (signalling == Thread.currentThread()) {
            afterSignal = after; // signalEnd runs it once onError has returned
            return decision;
        }
        // The end was signalled while the companion was still busy with the previous restart (an
        // incarnation that failed while it started): the companion decides now, on its own stack, and
        // nobody is in signalEnd to run what is left. The companion subscribes to the decision as soon
        // as this returns; run it right after that, so that this child restarts in its place in order.
        return new Mono<Object>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> actual) {
                decision.subscribe(actual);
                after.forEach(Runnable::run);
            }
        };
    }

    /** Cancels the pipeline (a pending restart delay, a wait for a gate, or a running incarnation). */
    final void disposePipeline() {
        Subscription p = pipeline;
        if (p != null) {
            p.cancel();
        }
    }

    private void pipelineError(Throwable e) {
        if (e instanceof Signals.Stop) {
            stopped(((Signals.Stop) e).reason);
        } else {
            failed(e instanceof Signals.GiveUp && e.getCause() != null ? e.getCause() : e);
        }
    }

    private void pipelineComplete() {
        stopped("shut down");
    }

    final void stopped(String reason) {
        if (state.isTerminal()) {
            return;
        }
        incarnationRunning = false;
        state = ComponentState.STOPPED;
        String path = path();
        tree.publish(new SupervisionEvent.Stopped(path, Tree.now(), reason));
        Tree.LOG.debug("'{}' stopped: {}", path, reason);
        afterTerminal(ComponentState.STOPPED, null);
    }

    final void failed(Throwable cause) {
        if (state.isTerminal()) {
            return;
        }
        incarnationRunning = false;
        state = ComponentState.FAILED;
        tree.publish(new SupervisionEvent.Failed(path(), Tree.now(), cause));
        Tree.LOG.error("'{}' gave up: {}", path(), cause.toString());
        afterTerminal(ComponentState.FAILED, cause);
        if (parent != null) {
            parent.childGaveUp(this, cause);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + path() + " " + state + "]";
    }
}
