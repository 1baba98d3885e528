package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;

/**
 * A running supervisor: a process that handles its children's lifecycle signals (an
 * incarnation crashed, started or ended, a delay elapsed) and the requests made to it (start,
 * stop, remove, restart a child; stop or restart itself) one at a time, from its own queue,
 * drained by the same {@link Drain} as a component's mailbox, on the {@link Trampoline}. Its
 * bookkeeping (restart windows, the group restart in progress, what it waits for) belongs to
 * that drain and needs no lock. It runs no user code.
 *
 * <p>It is itself a child of its parent: its incarnation lasts while it supervises and ends
 * when it is stopped, restarted with its group, or escalates.
 */
final class SupervisorCell extends ChildCell {

    final SupervisorSpec sspec;
    final RunningSupervisor face;
    private final Queue<Object> signals = Queues.unboundedMultiproducer().get();
    final Children children = new Children(this);
    /** The keyed components this supervisor runs, when it is a set of them ({@link EntitiesSpec}). */
    final @Nullable EntitySet entities;

    // ---- the drain's
    private final RestartWindow intensity;
    @Nullable SupervisorRun current;
    @Nullable GroupRestart group;
    /** Signals set aside while the declared children start or a group restart runs (as OTP's supervisor does). */
    private final ArrayDeque<Object> deferred = new ArrayDeque<>();
    /**
     * A signal posted while no drain ran and nothing was queued: the poster took the drain and
     * hands the signal over here, without a queue node. Its drain (on the poster's thread, the
     * {@link Trampoline}'s) handles it before anything queued after it.
     */
    private @Nullable Object handOver;

    /** Completes when the first incarnation has started its declared children; fails if one could not start. */
    final Sinks.Empty<Void> firstStart = Sinks.empty();
    /** The root's: completes once the tree has terminated and its events are delivered. */
    final Sinks.Empty<Void> termination = Sinks.empty();

    SupervisorCell(SupervisorSpec spec, @Nullable SupervisorCell parent, Tree tree, int seq) {
        super(spec, parent, tree, seq);
        this.sspec = spec;
        this.face = new RunningSupervisor(this);
        this.intensity = new RestartWindow(spec.intensity());
        this.entities = spec.entities == null ? null : new EntitySet(this, spec.entities);
    }

    static Supervisor startRoot(SupervisorSpec spec) {
        SupervisorCell root = new SupervisorCell(spec, null, new Tree(), 0);
        Children.build(root);
        root.startPipeline();
        return root.face;
    }

    /** A child started at runtime, with its subtree. */
    ChildCell newChild(ChildSpec spec) {
        ChildCell cell = children.create(spec);
        if (cell instanceof SupervisorCell) {
            Children.build((SupervisorCell) cell);
        }
        return cell;
    }

    // ------------------------------------------------------------------ the process

    void post(Object signal) {
        postQueued(signal);
    }

    /**
     * Posts {@code signal}; returns true if it was queued behind a drain that holds the
     * supervisor already (another thread's, or one this thread's trampoline runs later).
     */
    boolean postQueued(Object signal) {
        if (tryClaim()) {
            if (signals.isEmpty()) {
                handOver = signal; // nothing posted before it waits: it skips the queue
            } else {
                signals.offer(signal);
            }
            runClaimed();
            return false;
        }
        signals.offer(signal);
        signalQueued();
        return true;
    }

    @Override
    Scheduler drainScheduler() {
        return Trampoline.INSTANCE;
    }

    @Override
    boolean hasWork() {
        return !signals.isEmpty();
    }

    @Override
    void rejected(RejectedExecutionException e) {
        Tree.LOG.error("'{}': the trampoline rejected a drain; this is a bug", path(), e);
    }

    @Override
    int drainBatch() {
        Object s = handOver;
        if (s != null) {
            handOver = null;
            handleSafely(s);
        }
        while ((s = signals.poll()) != null) {
            handleSafely(s);
        }
        return DRAINED;
    }

    private void handleSafely(Object s) {
        try {
            handle(s);
        } catch (Throwable t) {
            Tree.LOG.error("'{}' failed to handle {}; this is a bug", path(), s, t);
        }
    }

    private void handle(Object s) {
        if (s instanceof Signals.Crashed) {
            decide((Signals.Crashed) s);
        } else if (s instanceof Signals.Started) {
            children.started(((Signals.Started) s).child());
        } else if (s instanceof Signals.Ended) {
            childEnded(((Signals.Ended) s).child(), ((Signals.Ended) s).cause());
        } else if (s instanceof Signals.DelayElapsed) {
            GroupRestart g = group;
            if (g != null) {
                g.delayElapsed(((Signals.DelayElapsed) s).child());
            }
        } else if (s instanceof Requests.Request) {
            Requests.Request r = (Requests.Request) s;
            GroupRestart g = group;
            if (g != null && r.waitsFor(g)) {
                deferred.add(r);
            } else {
                r.run(this);
            }
        } else if (s instanceof SupervisorRun) {
            begin((SupervisorRun) s);
        }
    }

    /** The verdict on a crash: the crash path's decision, in one place. */
    private void decide(Signals.Crashed c) {
        ChildCell child = c.child();
        Throwable cause = c.cause();
        Signals.Signal end = children.ending(child);
        SupervisorRun run = current;
        if (end instanceof Signals.Terminated || (run != null && run.ending)) {
            c.refuse(end != null ? end : new Signals.Terminated("its supervisor is restarting"));
            return;
        }
        if (children.starting(child)) {
            c.refuse(new Signals.StartFailed(cause)); // whoever ordered the start hears why
            return;
        }
        // a child being stopped gracefully restarts alone to drain its mailbox within its deadline
        boolean stopping = end != null || state() == ComponentState.STOPPING || state().isTerminal();
        if (!stopping && ((run != null && run.starting) || (group != null && group.starting))) {
            deferred.add(c); // as OTP's supervisor: handled once the start or the group restart is over
            return;
        }
        if (c.directive() == Directive.STOP) {
            child.live = false;
            c.refuse(new Signals.Stop("stopped by its failure directive: " + cause));
            return;
        }
        if (c.directive() == Directive.ESCALATE) {
            child.live = false; // gives up at once, as if its limit were reached
            c.refuse(new Signals.GiveUp(cause));
            return;
        }
        boolean normal = cause instanceof NormalExit;
        RestartPolicy policy = child.spec.restartPolicy();
        if (policy == RestartPolicy.TEMPORARY || (policy == RestartPolicy.TRANSIENT && normal)) {
            child.live = false;
            c.refuse(normal ? new Signals.Stop("normal exit, policy " + policy)
                    : new Signals.GiveUp(cause));
            return;
        }
        // no clock read where nothing is limited
        boolean limited = !child.spec.restartLimit().isUnlimited() || !sspec.intensity().isUnlimited();
        long now = limited ? child.nowNanos() : 0;
        RestartLimit limit = child.window().tryRecord(now) ? (intensity.tryRecord(now) ? null : sspec.intensity())
                : child.spec.restartLimit();
        if (limit != null) {
            child.live = false;
            String path = limit == sspec.intensity() ? path() : child.path();
            c.refuse(new Signals.GiveUp(new RestartLimitExceededException(path, limit, cause)));
            return;
        }
        Duration delay = child.spec.restartStrategy().delay(c.attempt());
        child.moveTo(ComponentState.RESTARTING); // a stopping child stays STOPPING
        // waiting out a delay, a stop ends it at once; an immediate restart is a stop's next incarnation
        child.awaitingRestart = !delay.isZero();
        String path = child.path(); // built on demand: once here
        tree.publish(new SupervisionEvent.Restarting(path, limited ? child.eventTime(now) : Tree.now(), c.attempt() + 1,
                delay, cause));
        if (Tree.LOG.isInfoEnabled()) {
            String previousMdc = Mdc.put(path);
            try {
                Tree.LOG.info("'{}' restarting in {} (attempt {} in a row)", path, Durations.human(delay),
                        c.attempt() + 1);
            } finally {
                Mdc.restore(previousMdc);
            }
        }
        if (!stopping && sspec.strategy() != SupervisionStrategy.ONE_FOR_ONE) {
            GroupRestart.begin(this, child);
        }
        c.restart();
    }

    /** Records a restart of {@code c} in its window and in this supervisor's intensity, if both allow it. */
    boolean admitRestart(ChildCell c) {
        long now = c.nowNanos();
        return c.window().tryRecord(now) && intensity.tryRecord(now);
    }

    // ------------------------------------------------------------------ what waits, and children's ends

    /** A member of the group restart under way is stopped or removed: the group goes on without it. */
    void leaveGroup(ChildCell c) {
        GroupRestart g = group;
        if (g != null) {
            g.leave(c);
        }
    }

    /** Handles what waited for a start or a group restart: a crash may start the next one, whose requests wait again. */
    void replayDeferred() {
        int n = deferred.size();
        for (int i = 0; i < n; i++) {
            handle(deferred.poll());
        }
    }

    /** A crash of {@code c} set aside meanwhile gets its verdict now: {@code c} is being ended. */
    void undefer(ChildCell c) {
        for (java.util.Iterator<Object> it = deferred.iterator(); it.hasNext();) {
            Object s = it.next();
            if (s instanceof Signals.Crashed && ((Signals.Crashed) s).child() == c) {
                it.remove();
                decide((Signals.Crashed) s);
                return;
            }
        }
    }

    /** A child's pipeline has ended and the child has flushed what it held. */
    private void childEnded(ChildCell c, @Nullable Throwable cause) {
        boolean awaited = children.ended(c, cause);
        EntitySet keyed = entities;
        if (keyed != null && keyed.childEnded(c, cause)) {
            return; // a keyed component: passivated, or gone until its next message
        }
        if (awaited) {
            return;
        }
        // nobody waited for it: it ended by itself (a normal exit, or it gave up)
        if (c.spec.restartPolicy() == RestartPolicy.TEMPORARY && c.state().isTerminal()) {
            children.remove(c); // as in OTP, a temporary child that ends is removed; its name can be used again
            return;
        }
        if (c.state() == ComponentState.FAILED) {
            childGaveUp(c, Signals.unwrap(java.util.Objects.requireNonNull(cause)));
        }
    }

    /** Whether this supervisor is ending: a start that fails now is part of that end, not a failure. */
    boolean ending() {
        SupervisorRun run = current;
        return (run != null && run.ending) || state() == ComponentState.STOPPING || state().isTerminal();
    }

    /** A start this supervisor ordered failed for good: the child is FAILED and flushed, and that is a give-up. */
    void giveUp(ChildCell c, Throwable cause) {
        if (children.fail(c, cause)) {
            childGaveUp(c, cause);
        }
    }

    /** A child gave up (FAILED): carry on without it, or escalate. */
    private void childGaveUp(ChildCell child, Throwable cause) {
        SupervisorRun run = current;
        if (sspec.escalates() && run != null) {
            run.escalate(cause);
        } else if (!sspec.escalates()) {
            Tree.LOG.warn("'{}' continues without '{}' (degraded)", path(), child.path());
        }
    }

    // ------------------------------------------------------------------ this supervisor's own lifecycle

    @Override
    Flux<Object> incarnations() {
        return new Flux<Object>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> actual) {
                SupervisorRun run = new SupervisorRun(SupervisorCell.this, actual);
                actual.onSubscribe(run);
                post(run);
            }
        };
    }

    /** An incarnation begins: afresh, with its declared children only and a new restart history. */
    private void begin(SupervisorRun run) {
        if (run.cancelled) {
            return;
        }
        current = run;
        intensity.clear();
        run.begin();
    }

    /**
     * Ends every child, last started first, each awaited: terminated for a restart (null
     * {@code failure}, not {@code stop}), stopped for good, or failed with this supervisor's
     * {@code failure}.
     */
    void endChildrenThen(Duration deadline, boolean stop, @Nullable Throwable failure, Runnable then) {
        List<ChildCell> reversed = children.inStartOrder();
        for (ChildCell c : children.stillEnding()) {
            if (!reversed.contains(c)) {
                reversed.add(c); // removed, still ending: waited for too
            }
        }
        java.util.Collections.reverse(reversed);
        replayDeferredAsEnding();
        long deadlineAt = nowNanos() + deadline.toNanos();
        Sequence.run(reversed, (c, next) -> {
            if (failure != null && !c.live && !c.state().isTerminal()) {
                children.fail(c, failure); // parked under a supervisor that failed: it fails with it
                children.whenEnded(c, x -> next.run());
            } else if (stop || failure != null) {
                long left = Math.max(1, deadlineAt - nowNanos());
                children.stopOne(c, Duration.ofNanos(left), "its supervisor stopped", next);
            } else {
                children.terminateOne(c, next);
            }
        }, then);
    }

    /** Deferred signals get their verdicts now: the supervisor is ending. */
    private void replayDeferredAsEnding() {
        while (!deferred.isEmpty()) {
            Object s = deferred.poll();
            if (s instanceof Signals.Crashed) {
                decide((Signals.Crashed) s);
            } else if (s instanceof Requests.Request) {
                ((Requests.Request) s).refuse(this);
            }
        }
    }

    @Override
    void terminate() {
        post(new Requests.TerminateSelf());
    }

    @Override
    void stop(Duration deadline) {
        post(new Requests.StopSelf(deadline));
    }

    @Override
    void ended(@Nullable Throwable cause) {
        post(new Requests.SelfEnded(cause));
    }

    /** This supervisor's pipeline has ended: a terminal supervisor stops what is left of its subtree, then tells. */
    void selfEnded(@Nullable Throwable cause) {
        current = null;
        group = null;
        if (!state().isTerminal()) {
            tellEnded(cause); // parked for a restart: its children are parked with it
            return;
        }
        Throwable terminalCause = state() == ComponentState.FAILED ? cause : null;
        if (entities != null) {
            entities.closed(); // messages waiting for an activation are dead letters now
        }
        // ended before its declared children had all started: whoever waits for the start learns so
        firstStart.tryEmitError(new ComponentUnavailableException(path(), state(), terminalCause));
        Throwable failure = terminalCause == null ? null : Signals.unwrap(terminalCause);
        endChildrenThen(Duration.ZERO, true, failure, () -> {
            tellEnded(cause);
            if (parent == null) {
                tree.complete().subscribe(null, null, () -> {
                    if (failure != null) {
                        termination.tryEmitError(failure);
                    } else {
                        termination.tryEmitEmpty();
                    }
                });
            }
        });
    }

    @Override
    ChildSnapshot snapshot() {
        return face.snapshot();
    }
}
