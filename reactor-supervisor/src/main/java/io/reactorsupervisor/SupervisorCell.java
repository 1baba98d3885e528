package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
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
    /** The children by name: written by the drain, read from anywhere (refs, snapshots). */
    final ConcurrentHashMap<String, ChildCell> byName = new ConcurrentHashMap<>();
    private final List<ChildCell> declared = new ArrayList<>();
    private int nextSeq;

    // ---- the drain's
    private final RestartWindow intensity;
    private @Nullable Run current;
    private @Nullable Throwable terminalCause;
    /** What the drain waits for: a child's start, a child's end. */
    private final Map<ChildCell, Consumer<@Nullable Throwable>> onStarted = new HashMap<>();
    private final Map<ChildCell, Consumer<@Nullable Throwable>> onEnded = new HashMap<>();
    /** Children being ended by this supervisor, with the verdict a crash of theirs gets meanwhile. */
    private final Map<ChildCell, Signals.Signal> ending = new HashMap<>();
    private @Nullable GroupRestart group;
    /** Signals set aside while a group restart runs, handled once it is over (as OTP's supervisor does). */
    private final ArrayDeque<Object> deferred = new ArrayDeque<>();
    private boolean ownEnding;
    /** The declared children are being started: a crash waits for the start to be over, as in OTP. */
    private boolean starting;

    /** Completes when the first incarnation has started its declared children; fails if one could not start. */
    final Sinks.Empty<Void> firstStart = Sinks.empty();
    /** The root's: completes once the tree has terminated and its events are delivered. */
    final Sinks.Empty<Void> termination = Sinks.empty();

    /** One incarnation of a supervisor: the subscriber its pipeline waits on. */
    private static final class Run implements Subscription {
        final CoreSubscriber<? super Object> actual;
        volatile boolean cancelled;

        Run(CoreSubscriber<? super Object> actual) {
            this.actual = actual;
        }

        @Override
        public void request(long n) {
            // emits nothing
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    SupervisorCell(SupervisorSpec spec, @Nullable SupervisorCell parent, Tree tree, int seq) {
        super(spec, parent, tree, seq);
        this.sspec = spec;
        this.face = new RunningSupervisor(this);
        this.intensity = new RestartWindow(spec.intensity());
    }

    static Supervisor startRoot(SupervisorSpec spec) {
        SupervisorCell root = new SupervisorCell(spec, null, new Tree(), 0);
        root.buildSubtree();
        root.startPipeline();
        return root.face;
    }

    /** Creates the declared children of this supervisor and of every supervisor below it, level by level. */
    private void buildSubtree() {
        ArrayDeque<SupervisorCell> todo = new ArrayDeque<>();
        todo.add(this);
        while (!todo.isEmpty()) {
            SupervisorCell s = todo.poll();
            for (ChildSpec child : s.sspec.children()) {
                int seq = ++s.nextSeq;
                ChildCell cell = child instanceof ComponentSpec
                        ? new ComponentCell((ComponentSpec<?, ?>) child, s, tree, seq)
                        : new SupervisorCell((SupervisorSpec) child, s, tree, seq);
                s.declared.add(cell);
                s.byName.put(cell.name, cell);
                if (cell instanceof SupervisorCell) {
                    todo.add((SupervisorCell) cell);
                }
            }
        }
    }

    /** A child started at runtime, with its subtree. */
    ChildCell newChild(ChildSpec child) {
        int seq = ++nextSeq;
        if (child instanceof ComponentSpec) {
            return new ComponentCell((ComponentSpec<?, ?>) child, this, tree, seq);
        }
        SupervisorCell cell = new SupervisorCell((SupervisorSpec) child, this, tree, seq);
        cell.buildSubtree();
        return cell;
    }

    /** The children in start order (a snapshot of the map, sorted). */
    List<ChildCell> children() {
        List<ChildCell> list = new ArrayList<>(byName.values());
        list.sort(Comparator.comparingInt(c -> c.seq));
        return list;
    }

    // ------------------------------------------------------------------ the process

    void post(Object signal) {
        signals.offer(signal);
        signalQueued();
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
        Object s;
        while ((s = signals.poll()) != null) {
            try {
                handle(s);
            } catch (Throwable t) {
                Tree.LOG.error("'{}' failed to handle {}; this is a bug", path(), s, t);
            }
        }
        return DRAINED;
    }

    private void handle(Object s) {
        if (s instanceof Signals.Crashed) {
            decide((Signals.Crashed) s);
        } else if (s instanceof Signals.Started) {
            ChildCell child = ((Signals.Started) s).child();
            child.awaitingRestart = false;
            Consumer<@Nullable Throwable> k = onStarted.remove(child);
            if (k != null) {
                k.accept(null);
            }
        } else if (s instanceof Signals.Ended) {
            childEnded(((Signals.Ended) s).child(), ((Signals.Ended) s).cause());
        } else if (s instanceof Signals.DelayElapsed) {
            GroupRestart g = group;
            if (g != null && g.crashed == ((Signals.DelayElapsed) s).child()) {
                g.delayElapsed = true;
                startGroupIfReady(g);
            }
        } else if (s instanceof Request) {
            Request r = (Request) s;
            GroupRestart g = group;
            if (g != null && r.waitsFor(g)) {
                deferred.add(r);
            } else {
                r.run(this);
            }
        } else if (s instanceof Run) {
            begin((Run) s);
        }
    }

    /** The verdict on a crash: the crash path's decision, in one place. */
    private void decide(Signals.Crashed c) {
        ChildCell child = c.child();
        Throwable cause = c.cause();
        Signals.Signal end = ending.get(child);
        if (end instanceof Signals.Terminated || ownEnding) {
            c.verdict().tryEmitError(end != null ? end : new Signals.Terminated("its supervisor is restarting"));
            return;
        }
        if (onStarted.containsKey(child)) {
            c.verdict().tryEmitError(new Signals.StartFailed(cause)); // whoever ordered the start hears why
            return;
        }
        // a child being stopped gracefully restarts alone to drain its mailbox within its deadline
        boolean stopping = end != null || state() == ComponentState.STOPPING || state().isTerminal();
        if (!stopping && (starting || (group != null && group.starting))) {
            deferred.add(c); // as OTP's supervisor: handled once the start or the group restart is over
            return;
        }
        boolean normal = cause instanceof NormalExit;
        RestartPolicy policy = child.spec.restartPolicy();
        if (policy == RestartPolicy.TEMPORARY || (policy == RestartPolicy.TRANSIENT && normal)) {
            child.live = false;
            c.verdict().tryEmitError(normal ? new Signals.Stop("normal exit, policy " + policy)
                    : new Signals.GiveUp(cause));
            return;
        }
        long now = child.nowNanos();
        RestartLimit limit = child.window().tryRecord(now) ? (intensity.tryRecord(now) ? null : sspec.intensity())
                : child.spec.restartLimit();
        if (limit != null) {
            child.live = false;
            String path = limit == sspec.intensity() ? path() : child.path();
            c.verdict().tryEmitError(new Signals.GiveUp(new RestartLimitExceededException(path, limit, cause)));
            return;
        }
        Duration delay = child.spec.restartStrategy().delay(c.attempt());
        child.moveTo(ComponentState.RESTARTING); // a stopping child stays STOPPING
        // waiting out a delay, a stop ends it at once; an immediate restart is a stop's next incarnation
        child.awaitingRestart = !delay.isZero();
        String path = child.path(); // built on demand: once here
        tree.publish(new SupervisionEvent.Restarting(path, Tree.now(), c.attempt() + 1, delay, cause));
        Tree.LOG.info("'{}' restarting in {} (attempt {} in a row)", path, delay, c.attempt() + 1);
        if (!stopping && sspec.strategy() != SupervisionStrategy.ONE_FOR_ONE) {
            groupRestart(child);
        }
        c.verdict().tryEmitEmpty();
    }

    // ------------------------------------------------------------------ group restarts

    /** ONE_FOR_ALL and REST_FOR_ONE: the siblings go down in reverse start order, then all start in order. */
    private void groupRestart(ChildCell crashed) {
        GroupRestart g = group;
        if (g == null) {
            g = new GroupRestart(crashed, new ArrayList<>());
            group = g;
        }
        crashed.gate = Sinks.empty();
        List<ChildCell> joining = new ArrayList<>();
        for (ChildCell c : children()) {
            boolean affected = c == crashed || sspec.strategy() == SupervisionStrategy.ONE_FOR_ALL
                    || c.seq > crashed.seq;
            // as in OTP, a child stopped with stopChild starts again with its group; one that gave up does not
            if (affected && c.state() != ComponentState.FAILED && !g.members.contains(c)) {
                joining.add(c);
            }
        }
        g.members.addAll(joining);
        g.members.sort(Comparator.comparingInt(c -> c.seq));
        joining.remove(crashed);
        java.util.Collections.reverse(joining);
        GroupRestart group = g;
        group.down++;
        Sequence.run(joining, this::terminateOne, () -> {
            group.down--;
            startGroupIfReady(group);
        });
    }

    private void startGroupIfReady(GroupRestart g) {
        if (group != g || g.down > 0 || !g.delayElapsed || g.starting) {
            return;
        }
        g.starting = true;
        Sequence.run(new ArrayList<>(g.members), (c, next) -> {
            if (!g.members.contains(c)) {
                next.run(); // stopped or removed while the group restart was under way
                return;
            }
            if (c != g.crashed && c.gate == null && c.spec.restartPolicy() == RestartPolicy.TEMPORARY) {
                // as in OTP, a temporary child taken down by a sibling's crash is removed, not restarted
                remove(c);
                stopOne(c, Duration.ZERO, "removed by its supervisor", next);
                return;
            }
            launch(c, failure -> {
                if (failure == null) {
                    next.run();
                } else if (!ending()) {
                    groupStartFailed(g, c, failure, next);
                }
            });
        }, () -> {
            if (group == g) {
                group = null;
                replayDeferred();
            }
        });
    }

    /** A start in a group restart failed: it counts as that child's crash, and the group is tried again. */
    private void groupStartFailed(GroupRestart g, ChildCell c, Throwable failure, Runnable next) {
        long now = c.nowNanos();
        if (!c.window().tryRecord(now) || !intensity.tryRecord(now)) {
            giveUp(c, new RestartLimitExceededException(c.path(), c.spec.restartLimit(), failure));
            next.run(); // the others start without it
            return;
        }
        List<ChildCell> started = new ArrayList<>(g.members.subList(0, g.members.indexOf(c)));
        java.util.Collections.reverse(started);
        Duration delay = c.spec.restartStrategy().delay(0);
        tree.publish(new SupervisionEvent.Restarting(c.path(), Tree.now(), 1, delay, failure));
        Sequence.run(started, this::terminateOne, () -> {
            GroupRestart again = new GroupRestart(c, g.members);
            group = again;
            if (delay.isZero()) {
                again.delayElapsed = true;
                startGroupIfReady(again);
            } else {
                c.timer().schedule(() -> post(new Signals.DelayElapsed(c)), delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        });
    }

    /**
     * A member of the group restart under way is stopped or removed: the group goes on without
     * it (if it was the crashed one, without waiting for its delay any more).
     */
    void leaveGroup(ChildCell c) {
        GroupRestart g = group;
        if (g != null && g.members.remove(c) && c == g.crashed) {
            g.delayElapsed = true;
            startGroupIfReady(g);
        }
    }

    /** Handles what waited for the group restart: a crash may start the next one, whose requests wait again. */
    private void replayDeferred() {
        int n = deferred.size();
        for (int i = 0; i < n; i++) {
            handle(deferred.poll());
        }
    }

    /** A crash of {@code c} set aside meanwhile gets its verdict now: {@code c} is being ended. */
    private void undefer(ChildCell c) {
        for (java.util.Iterator<Object> it = deferred.iterator(); it.hasNext();) {
            Object s = it.next();
            if (s instanceof Signals.Crashed && ((Signals.Crashed) s).child() == c) {
                it.remove();
                decide((Signals.Crashed) s);
                return;
            }
        }
    }

    // ------------------------------------------------------------------ starting and ending children

    /** Starts a child that is not running (never started, ended, or parked) and calls {@code k} with the outcome. */
    void launch(ChildCell c, Consumer<@Nullable Throwable> k) {
        onStarted.put(c, k);
        c.live = true;
        Sinks.Empty<Void> g = c.gate;
        if (g != null) {
            c.gate = null;
            g.tryEmitEmpty(); // the crashed child of a group: Reactor resubscribes, the next incarnation begins
        } else {
            c.startPipeline();
        }
    }

    /** Ends a child's incarnation for a restart this supervisor orders (its mailbox is kept), then {@code next}. */
    void terminateOne(ChildCell c, Runnable next) {
        endOne(c, new Signals.Terminated("restarted with its group by its supervisor"), next, () -> c.terminate());
    }

    /** Stops a child gracefully within the deadline (at once if it is between incarnations), then {@code next}. */
    void stopOne(ChildCell c, Duration deadline, String reason, Runnable next) {
        endOne(c, new Signals.Stop(reason), next, () -> c.stop(deadline));
    }

    private void endOne(ChildCell c, Signals.Signal verdict, Runnable next, Runnable ask) {
        if (c.state().isTerminal() && !c.live) {
            next.run();
            return;
        }
        Signals.Signal already = ending.get(c);
        if (already != null) {
            // it is ending already: a stop wins over a termination, and this end waits for that one
            if (verdict instanceof Signals.Stop) {
                ending.put(c, verdict);
            }
            whenEnded(c, cause -> endOne(c, verdict, next, ask));
            return;
        }
        whenEnded(c, cause -> next.run());
        Sinks.Empty<Void> g = c.gate;
        if (!c.live) {
            parkedEnds(c, verdict);
        } else if (g != null) {
            ending.put(c, verdict);
            c.gate = null;
            g.tryEmitError(verdict); // waiting for its turn in a group: its pipeline ends with the verdict
        } else if (c.awaitingRestart) {
            c.awaitingRestart = false;
            c.cancelPipeline(); // waiting out its restart delay: it ends at once
            c.live = false;
            parkedEnds(c, verdict);
        } else {
            ending.put(c, verdict);
            ask.run();
            undefer(c);
        }
    }

    /** A child without a pipeline (parked, or cancelled) ends as the verdict says; it flushes, then tells. */
    private void parkedEnds(ChildCell c, Signals.Signal verdict) {
        if (verdict instanceof Signals.Stop) {
            c.stopped(((Signals.Stop) verdict).reason);
        }
        c.ended(verdict);
    }

    private void whenEnded(ChildCell c, Consumer<@Nullable Throwable> k) {
        onEnded.merge(c, k, (a, b) -> cause -> {
            a.accept(cause);
            b.accept(cause);
        });
    }

    /** A child's pipeline has ended and the child has flushed what it held. */
    private void childEnded(ChildCell c, @Nullable Throwable cause) {
        ending.remove(c);
        c.live = false;
        c.awaitingRestart = false;
        Consumer<@Nullable Throwable> started = onStarted.remove(c);
        Consumer<@Nullable Throwable> k = onEnded.remove(c);
        if (started != null) {
            started.accept(cause instanceof Signals.StartFailed && cause.getCause() != null ? cause.getCause()
                    : cause == null ? new IllegalStateException("stopped while starting") : cause);
        }
        if (k != null) {
            k.accept(cause);
        }
        if (started != null || k != null) {
            return;
        }
        // nobody waited for it: it ended by itself (a normal exit, or it gave up)
        if (c.spec.restartPolicy() == RestartPolicy.TEMPORARY && c.state().isTerminal()) {
            remove(c); // as in OTP, a temporary child that ends is removed; its name can be used again
            return;
        }
        if (c.state() == ComponentState.FAILED) {
            childGaveUp(c, cause instanceof Signals.Signal && cause.getCause() != null ? cause.getCause()
                    : java.util.Objects.requireNonNull(cause));
        }
    }

    /** Whether this supervisor is ending: a start that fails now is part of that end, not a failure. */
    boolean ending() {
        return ownEnding || state() == ComponentState.STOPPING || state().isTerminal();
    }

    /** A start this supervisor ordered failed for good: the child is FAILED and flushed; nobody escalates. */
    private void giveUp(ChildCell c, Throwable cause) {
        if (c.failed(cause)) {
            whenEnded(c, x -> { });
            c.ended(new Signals.GiveUp(cause));
            childGaveUp(c, cause);
        }
    }

    /** A child gave up (FAILED): carry on without it, or escalate. */
    private void childGaveUp(ChildCell child, Throwable cause) {
        if (sspec.escalates()) {
            escalate(cause);
        } else {
            Tree.LOG.warn("'{}' continues without '{}' (degraded)", path(), child.path());
        }
    }

    void remove(ChildCell c) {
        byName.remove(c.name, c);
    }

    // ------------------------------------------------------------------ this supervisor's own lifecycle

    @Override
    Flux<Object> incarnations() {
        return new Flux<Object>() {
            @Override
            public void subscribe(CoreSubscriber<? super Object> actual) {
                Run run = new Run(actual);
                actual.onSubscribe(run);
                post(run);
            }
        };
    }

    /** An incarnation begins: afresh, with its declared children only and a new restart history. */
    private void begin(Run inc) {
        if (inc.cancelled) {
            return;
        }
        current = inc;
        ownEnding = false;
        intensity.clear();
        for (ChildCell c : children()) {
            if (!declared.contains(c)) {
                remove(c); // started at runtime: gone with the incarnation that started it, as in OTP
                if (!c.state().isTerminal()) {
                    parkedEnds(c, new Signals.Stop("its supervisor restarted"));
                }
            }
        }
        incarnationStarted(state() == ComponentState.STOPPING);
        starting = true;
        List<ChildCell> started = new ArrayList<>();
        Sequence.run(declared, (c, next) -> {
            c.window = null;
            launch(c, failure -> {
                if (failure == null) {
                    started.add(c);
                    next.run();
                    return;
                }
                starting = false;
                if (ending()) {
                    return; // stopped or restarted while its children started: that end goes on
                }
                giveUpQuietly(c, failure);
                java.util.Collections.reverse(started);
                ChildStartException error = new ChildStartException(c.path(), failure);
                firstStart.tryEmitError(error);
                ownEnding = true;
                Sequence.run(started, this::terminateOne, () -> endIncarnation(error));
            });
        }, () -> {
            starting = false;
            firstStart.tryEmitEmpty();
            tellStarted();
            replayDeferred();
        });
    }

    /** A declared child could not start: FAILED and flushed, without the escalation a give-up would bring. */
    void giveUpQuietly(ChildCell c, Throwable cause) {
        if (c.failed(cause)) {
            whenEnded(c, x -> { });
            c.ended(new Signals.GiveUp(cause));
        }
    }

    /** Ends this supervisor's incarnation with {@code error} (null: stopped), for its parent to decide on. */
    private void endIncarnation(@Nullable Throwable error) {
        Run inc = current;
        current = null;
        if (inc == null || inc.cancelled) {
            return;
        }
        if (error == null) {
            inc.actual.onComplete();
        } else {
            inc.actual.onError(error);
        }
    }

    /** Stops the remaining children, keeping their mailboxes, and fails this incarnation, for the parent to handle. */
    private void escalate(Throwable cause) {
        if (ownEnding || current == null || state() == ComponentState.STOPPING || state().isTerminal()) {
            return;
        }
        ownEnding = true;
        group = null;
        tree.publish(new SupervisionEvent.Escalated(path(), Tree.now(), cause));
        Tree.LOG.error("'{}' escalates: {}", path(), cause.toString());
        EscalationException e = new EscalationException(path(), cause);
        endChildrenThen(Duration.ZERO, false, null, () -> endIncarnation(e));
    }

    /**
     * Ends every child, last started first, each awaited: terminated for a restart (null
     * {@code failure}, not {@code stop}), stopped for good, or failed with this supervisor's
     * {@code failure}.
     */
    private void endChildrenThen(Duration deadline, boolean stop, @Nullable Throwable failure, Runnable then) {
        List<ChildCell> reversed = children();
        for (ChildCell c : new ArrayList<>(ending.keySet())) {
            if (!reversed.contains(c)) {
                reversed.add(c); // removed, still ending: waited for too
            }
        }
        java.util.Collections.reverse(reversed);
        replayDeferredAsEnding();
        long deadlineAt = nowNanos() + deadline.toNanos();
        Sequence.run(reversed, (c, next) -> {
            if (failure != null && !c.live && !c.state().isTerminal()) {
                c.failed(failure); // parked under a supervisor that failed: it fails with it
                whenEnded(c, x -> next.run());
                c.ended(new Signals.GiveUp(failure));
            } else if (stop || failure != null) {
                long left = Math.max(1, deadlineAt - nowNanos());
                stopOne(c, Duration.ofNanos(left), "its supervisor stopped", next);
            } else {
                terminateOne(c, next);
            }
        }, then);
    }

    /** Deferred signals get their verdicts now: the supervisor is ending. */
    private void replayDeferredAsEnding() {
        while (!deferred.isEmpty()) {
            Object s = deferred.poll();
            if (s instanceof Signals.Crashed) {
                decide((Signals.Crashed) s);
            } else if (s instanceof Request) {
                ((Request) s).refuse(this);
            }
        }
    }

    @Override
    void terminate() {
        post(new TerminateSelf());
    }

    @Override
    void stop(Duration deadline) {
        post(new StopSelf(deadline));
    }

    @Override
    void ended(@Nullable Throwable cause) {
        post(new SelfEnded(cause));
    }

    /** This supervisor's pipeline has ended: a terminal supervisor stops what is left of its subtree, then tells. */
    private void selfEnded(@Nullable Throwable cause) {
        current = null;
        group = null;
        if (!state().isTerminal()) {
            tellEnded(cause); // parked for a restart: its children are parked with it
            return;
        }
        terminalCause = state() == ComponentState.FAILED ? cause : null;
        // ended before its declared children had all started: whoever waits for the start learns so
        firstStart.tryEmitError(new ComponentUnavailableException(path(), state(), terminalCause));
        Throwable failure = terminalCause instanceof Signals.Signal && terminalCause.getCause() != null
                ? terminalCause.getCause() : terminalCause;
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

    // ------------------------------------------------------------------ requests

    /** Something asked of this supervisor, handled by its drain; refused if the supervisor ends first. */
    abstract static class Request {
        final Sinks.Empty<Void> done = Sinks.empty();

        abstract void run(SupervisorCell s);

        /** Whether this request waits for the group restart under way to be over (it concerns a member). */
        boolean waitsFor(GroupRestart g) {
            return false;
        }

        void refuse(SupervisorCell s) {
            done.tryEmitError(new IllegalStateException("supervisor '" + s.path() + "' is " + s.state()));
        }
    }

    private static final class StopSelf extends Request {
        final Duration deadline;

        StopSelf(Duration deadline) {
            this.deadline = deadline;
        }

        @Override
        void run(SupervisorCell s) {
            if (s.state().isTerminal()) {
                done.tryEmitEmpty();
                return;
            }
            if (!s.moveTo(ComponentState.STOPPING)) {
                return; // stopping already
            }
            s.group = null;
            s.endChildrenThen(deadline, true, null, () -> {
                if (s.current != null) {
                    s.endIncarnation(null); // the pipeline completes: STOPPED
                } else {
                    s.cancelPipeline(); // waiting to be restarted: ends at once
                    s.stopped("shut down");
                    s.ended(null);
                }
                done.tryEmitEmpty();
            });
        }
    }

    private static final class TerminateSelf extends Request {
        @Override
        void run(SupervisorCell s) {
            if (s.ownEnding || s.current == null) {
                return;
            }
            s.ownEnding = true;
            s.group = null;
            s.endChildrenThen(Duration.ZERO, false, null,
                    () -> s.endIncarnation(new Signals.Terminated("restarted with its group by its supervisor")));
        }
    }

    private static final class SelfEnded extends Request {
        final @Nullable Throwable cause;

        SelfEnded(@Nullable Throwable cause) {
            this.cause = cause;
        }

        @Override
        void run(SupervisorCell s) {
            s.selfEnded(cause);
        }
    }
}
