package io.reactorsupervisor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A running supervisor. It decides, for each child whose incarnation ended, what happens
 * next ({@link #decide}), and it is itself a child of its parent, whose incarnation runs as
 * long as it supervises and ends when it escalates.
 *
 * <p>Locking: the supervisor's monitor guards its children list, the restart bookkeeping of
 * its children and any group restart. It never signals another cell's pipeline while holding
 * it: what must happen to other cells is collected as {@code effects} and run after the lock
 * is released, so that a parent and a child never wait for each other's locks.
 */
final class SupervisorCell extends ChildCell implements Supervisor {

    private static final Mono<Boolean> RESTART_NOW = Mono.just(Boolean.TRUE);

    final SupervisorSpec sspec;
    private final List<ChildCell> children = new ArrayList<>();
    /** The same children by name, so that lookups and starts stay O(1) with many children. */
    private final Map<String, ChildCell> byName = new HashMap<>();
    private final RestartWindow intensity;
    private final Sinks.@Nullable Empty<Void> termination;

    // guarded by this
    private @Nullable SupervisorIncarnation current;
    private boolean running;
    private @Nullable Group group;
    private @Nullable Mono<Void> stopMono;
    private @Nullable Throwable failure;

    private SupervisorCell(SupervisorSpec spec, @Nullable SupervisorCell parent, Tree tree) {
        super(spec, parent, tree);
        this.sspec = spec;
        this.intensity = new RestartWindow(spec.intensity());
        this.termination = parent == null ? Sinks.empty() : null;
        for (ChildSpec child : spec.children()) {
            ChildCell cell = newChild(child);
            children.add(cell);
            byName.put(cell.name, cell);
        }
    }

    static Supervisor startRoot(SupervisorSpec spec) {
        SupervisorCell root = new SupervisorCell(spec, null, new Tree());
        root.startPipeline();
        return root;
    }

    private ChildCell newChild(ChildSpec child) {
        if (child instanceof ComponentSpec) {
            return new ComponentCell((ComponentSpec<?, ?>) child, this, tree);
        }
        return new SupervisorCell((SupervisorSpec) child, this, tree);
    }

    // ------------------------------------------------------------------ incarnations

    @Override
    Flux<Void> incarnations() {
        return new Flux<Void>() {
            @Override
            public void subscribe(CoreSubscriber<? super Void> actual) {
                startIncarnation(actual);
            }
        };
    }

    private void startIncarnation(CoreSubscriber<? super Void> actual) {
        SupervisorIncarnation inc = new SupervisorIncarnation(actual);
        actual.onSubscribe(inc);
        List<Runnable> effects = new ArrayList<>();
        synchronized (this) {
            current = inc;
            running = true;
            failure = null;
            incarnationStarted();
            for (ChildCell child : children) {
                if (!child.launched) {
                    effects.add(child::startPipeline);
                } else if (child.state.isTerminal()) {
                    child.gate = null; // a gate left from before it stopped leads nowhere
                    effects.add(child::revive);
                } else if (child.gate != null) {
                    effects.add(openGate(child));
                }
                // otherwise it is still finishing its last incarnation: it restarts when it arrives
            }
        }
        effects.forEach(Runnable::run);
    }

    /** Under the lock: takes the child's gate and returns the effect that opens it. */
    private Runnable openGate(ChildCell child) {
        Sinks.One<Boolean> g = Objects.requireNonNull(child.gate);
        child.gate = null;
        return () -> g.tryEmitValue(Boolean.TRUE);
    }

    private static Runnable closeGate(ChildCell child, Throwable signal) {
        Sinks.One<Boolean> g = child.gate;
        child.gate = null;
        return g == null ? () -> { } : () -> g.tryEmitError(signal);
    }

    // ------------------------------------------------------------------ decisions

    /**
     * What happens after an incarnation of {@code child} ended with {@code failure}: a Mono
     * that emits when the child restarts, or fails with a {@link Signals.Stop} or
     * {@link Signals.GiveUp} that ends the child's pipeline.
     */
    Mono<?> decide(ChildCell child, Throwable failure) {
        List<Runnable> effects = new ArrayList<>();
        Mono<?> decision;
        synchronized (this) {
            decision = decideLocked(child, failure, effects);
        }
        effects.forEach(Runnable::run);
        return decision;
    }

    private Mono<?> decideLocked(ChildCell child, Throwable failure, List<Runnable> effects) {
        if (state == ComponentState.FAILED) {
            return Mono.error(new Signals.GiveUp(new ComponentUnavailableException(path(), state, this.failure)));
        }
        if (state == ComponentState.STOPPED) {
            return Mono.error(new Signals.Stop("its supervisor has stopped"));
        }
        // while stopping, a crashed child is still restarted as usual, to drain its mailbox within the deadline
        if (child.removed) {
            return Mono.error(new Signals.Stop("removed by its supervisor"));
        }
        if (!running || (group != null && group.members.contains(child))) {
            // this supervisor is being restarted, or the child is part of a group restart
            Mono<Boolean> wait = child.awaitGate();
            if (group != null && group.pending.remove(child)) {
                child.afterDecision(tryOpen(group));
            }
            return wait;
        }
        if (failure instanceof Signals.Terminated) {
            child.state = ComponentState.RESTARTING; // restartChild on a running child
            return RESTART_NOW;
        }
        boolean normal = failure instanceof NormalExit;
        RestartPolicy policy = child.spec.restartPolicy();
        if (policy == RestartPolicy.TEMPORARY || (policy == RestartPolicy.TRANSIENT && normal)) {
            return normal ? Mono.error(new Signals.Stop("normal exit, policy " + policy))
                    : Mono.error(new Signals.GiveUp(failure));
        }
        long now = child.nowNanos();
        if (!child.window().tryRecord(now)) {
            return Mono.error(new Signals.GiveUp(
                    new RestartLimitExceededException(child.path(), child.spec.restartLimit(), failure)));
        }
        if (!intensity.tryRecord(now)) {
            return Mono.error(new Signals.GiveUp(new RestartLimitExceededException(path(), sspec.intensity(), failure)));
        }
        RestartStrategy strategy = child.spec.restartStrategy();
        if (now - child.incarnationStart >= strategy.resetAfter().toNanos()) {
            child.attempt = 0;
        }
        Duration delay = strategy.nextDelay(child.attempt);
        child.attempt++;
        child.state = ComponentState.RESTARTING;
        String path = child.path(); // built on demand: once here
        tree.publish(new SupervisionEvent.Restarting(path, Tree.now(), child.attempt, delay, failure));
        Tree.LOG.info("'{}' restarting in {} (attempt {} in a row)", path, delay, child.attempt);

        if (sspec.strategy() == SupervisionStrategy.ONE_FOR_ONE) {
            return delay.isZero() ? RESTART_NOW : Mono.delay(delay, child.timer());
        }
        if (group != null) {
            // a group restart is under way and this child is not in it: widen it, or its members wait forever
            return joinGroup(group, child, effects);
        }
        return groupRestart(child, delay, effects);
    }

    /** A child outside a group restart in progress crashed: it and the siblings it affects restart with that group. */
    private Mono<Boolean> joinGroup(Group g, ChildCell crashed, List<Runnable> effects) {
        int index = children.indexOf(crashed);
        List<ChildCell> others = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            ChildCell c = children.get(i);
            boolean affected = sspec.strategy() == SupervisionStrategy.ONE_FOR_ALL || i >= index;
            if (c != crashed && affected && c.state == ComponentState.RUNNING && !g.members.contains(c)) {
                others.add(c);
            }
        }
        g.members.add(crashed);
        Collections.reverse(others);
        stopForGroup(g, others, effects);
        return crashed.awaitGate();
    }

    /** ONE_FOR_ALL and REST_FOR_ONE: stop the others in reverse start order, start all in order after the delay. */
    private Mono<Boolean> groupRestart(ChildCell crashed, Duration delay, List<Runnable> effects) {
        int index = children.indexOf(crashed);
        List<ChildCell> members = new ArrayList<>();
        for (int i = 0; i < children.size(); i++) {
            ChildCell c = children.get(i);
            boolean affected = sspec.strategy() == SupervisionStrategy.ONE_FOR_ALL || i >= index;
            if (c == crashed || (affected && c.state == ComponentState.RUNNING)) {
                members.add(c);
            }
        }
        Group g = new Group(members);
        group = g;
        List<ChildCell> others = new ArrayList<>(members);
        others.remove(crashed);
        Collections.reverse(others);
        stopForGroup(g, others, effects);
        Mono<Boolean> wait = crashed.awaitGate();
        if (delay.isZero()) {
            g.delayElapsed = true;
            crashed.afterDecision(tryOpen(g));
        } else {
            crashed.timer().schedule(() -> {
                List<Runnable> open;
                synchronized (this) {
                    g.delayElapsed = true;
                    open = tryOpen(g);
                }
                open.forEach(Runnable::run);
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
        return wait;
    }

    /** Under the lock: the siblings a group restart takes down, in the order given (reverse start order). */
    private void stopForGroup(Group g, List<ChildCell> siblings, List<Runnable> effects) {
        for (ChildCell sibling : siblings) {
            if (sibling.spec.restartPolicy() == RestartPolicy.TEMPORARY) {
                // as in OTP: a temporary child taken down by a sibling's crash is removed, not restarted
                g.members.remove(sibling);
                children.remove(sibling);
                byName.remove(sibling.name);
                sibling.removed = true;
            } else {
                if (!g.members.contains(sibling)) {
                    g.members.add(sibling);
                }
                g.pending.add(sibling);
            }
            effects.add(sibling::terminateForRestart);
        }
    }

    /** Under the lock: once the delay has passed and every member has stopped, start them all in order. */
    private List<Runnable> tryOpen(Group g) {
        if (group != g || !g.delayElapsed || !g.pending.isEmpty()) {
            return List.of();
        }
        group = null;
        List<Runnable> open = new ArrayList<>();
        for (ChildCell member : children) {
            if (g.members.contains(member) && member.gate != null) {
                open.add(openGate(member));
            }
        }
        return open;
    }

    /** A child gave up (FAILED): carry on without it, or escalate. */
    void childGaveUp(ChildCell child, Throwable cause) {
        if (child.spec.restartPolicy() == RestartPolicy.TEMPORARY && !(cause instanceof RestartLimitExceededException)) {
            return; // a temporary child's crash is not a failure of the supervisor, as in OTP
        }
        if (sspec.escalates()) {
            escalate(new EscalationException(path(), cause));
        } else {
            Tree.LOG.warn("'{}' continues without '{}' (degraded)", path(), child.path());
        }
    }

    /** Stops the remaining children (keeping their mailboxes) and fails this incarnation, for the parent to handle. */
    private void escalate(EscalationException cause) {
        List<Runnable> effects = new ArrayList<>();
        SupervisorIncarnation inc;
        synchronized (this) {
            if (!running || state.isTerminal() || state == ComponentState.STOPPING) {
                return;
            }
            inc = current;
            running = false;
            group = null;
            failure = cause;
            List<ChildCell> reversed = new ArrayList<>(children);
            Collections.reverse(reversed);
            for (ChildCell c : reversed) {
                effects.add(c::terminateForRestart);
            }
        }
        tree.publish(new SupervisionEvent.Escalated(path(), Tree.now(), cause.getCause()));
        Tree.LOG.error("'{}' escalates: {}", path(), cause.getCause().toString());
        effects.forEach(Runnable::run);
        if (inc != null && inc.end()) {
            signalEnd(inc.actual, cause);
        }
    }

    @Override
    void terminateForRestart() {
        List<Runnable> effects = new ArrayList<>();
        SupervisorIncarnation inc;
        synchronized (this) {
            if (!running) {
                return;
            }
            inc = current;
            running = false;
            group = null;
            List<ChildCell> reversed = new ArrayList<>(children);
            Collections.reverse(reversed);
            for (ChildCell c : reversed) {
                effects.add(c::terminateForRestart);
            }
        }
        effects.forEach(Runnable::run);
        if (inc != null && inc.end()) {
            signalEnd(inc.actual, new Signals.Terminated("restarted by its supervisor"));
        }
    }

    @Override
    void afterTerminal(ComponentState terminal, @Nullable Throwable cause) {
        List<Runnable> effects = new ArrayList<>();
        Throwable signal = terminal == ComponentState.FAILED
                ? new Signals.GiveUp(new ComponentUnavailableException(path(), terminal, cause))
                : new Signals.Stop("its supervisor stopped");
        synchronized (this) {
            running = false;
            group = null;
            failure = cause;
            for (ChildCell c : children) {
                effects.add(closeGate(c, signal));
            }
        }
        effects.forEach(Runnable::run);
        if (termination != null) {
            if (terminal == ComponentState.FAILED && cause != null) {
                termination.tryEmitError(cause);
            } else {
                termination.tryEmitEmpty();
            }
            tree.complete();
        }
    }

    // ------------------------------------------------------------------ shutdown

    @Override
    Mono<Void> stop(Duration deadline) {
        Mono<Void> m;
        List<ChildCell> reversed;
        synchronized (this) {
            if (stopMono != null) {
                return stopMono;
            }
            if (state.isTerminal()) {
                stopMono = Mono.empty();
                return stopMono;
            }
            state = ComponentState.STOPPING;
            close();
            reversed = new ArrayList<>(children);
            Collections.reverse(reversed);
            long deadlineAt = nowNanos() + deadline.toNanos();
            m = Flux.fromIterable(reversed)
                    .concatMap(c -> c.stop(Duration.ofNanos(Math.max(1, deadlineAt - nowNanos()))))
                    .then(Mono.fromRunnable(this::finishStop))
                    .then()
                    .cache();
            stopMono = m;
        }
        m.subscribe(null, e -> Tree.LOG.error("'{}': shutdown failed", path(), e));
        return m;
    }

    @Override
    synchronized void close() {
        for (ChildCell c : children) {
            c.close();
        }
    }

    private void finishStop() {
        SupervisorIncarnation inc;
        synchronized (this) {
            inc = current;
            running = false;
        }
        if (inc != null && inc.end()) {
            inc.actual.onComplete();
        } else {
            disposePipeline(); // not running (waiting to be restarted): end the pipeline itself
            stopped("shut down");
        }
    }

    // ------------------------------------------------------------------ Supervisor

    @Override
    public String name() {
        return name;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M, R> ComponentRef<M, R> ref(ComponentSpec<M, R> spec) {
        Objects.requireNonNull(spec, "spec");
        ComponentCell found = find(spec);
        if (found == null) {
            throw new IllegalArgumentException("no component started from spec '" + spec.name() + "' under '" + path()
                    + "'");
        }
        return (ComponentRef<M, R>) (ComponentRef<?, ?>) found;
    }

    private synchronized @Nullable ComponentCell find(ComponentSpec<?, ?> spec) {
        for (ChildCell c : children) {
            if (c instanceof ComponentCell && ((ComponentCell) c).cspec == spec) {
                return (ComponentCell) c;
            }
        }
        for (ChildCell c : children) {
            if (c instanceof SupervisorCell) {
                ComponentCell found = ((SupervisorCell) c).find(spec);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <M, R> ComponentRef<M, R> ref(String relativePath) {
        ChildCell c = lookup(relativePath);
        if (!(c instanceof ComponentCell)) {
            throw new IllegalArgumentException("'" + path() + "/" + relativePath + "' is a supervisor, not a component");
        }
        return (ComponentRef<M, R>) (ComponentRef<?, ?>) c;
    }

    @Override
    public Supervisor supervisor(String relativePath) {
        ChildCell c = lookup(relativePath);
        if (!(c instanceof SupervisorCell)) {
            throw new IllegalArgumentException("'" + path() + "/" + relativePath + "' is a component, not a supervisor");
        }
        return (SupervisorCell) c;
    }

    private ChildCell lookup(String relativePath) {
        Objects.requireNonNull(relativePath, "relativePath");
        SupervisorCell at = this;
        String[] names = relativePath.split("/", -1);
        for (int i = 0; i < names.length; i++) {
            ChildCell c = at.child(names[i]);
            if (c == null) {
                throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path() + "'");
            }
            if (i == names.length - 1) {
                return c;
            }
            if (!(c instanceof SupervisorCell)) {
                throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path() + "'");
            }
            at = (SupervisorCell) c;
        }
        throw new IllegalArgumentException("no child '" + relativePath + "' under '" + path() + "'");
    }

    private synchronized @Nullable ChildCell child(String childName) {
        return byName.get(childName);
    }

    private ChildCell existingChild(String childName) {
        Objects.requireNonNull(childName, "name");
        ChildCell c = child(childName);
        if (c == null) {
            throw new IllegalArgumentException("supervisor '" + path() + "' has no child named '" + childName + "'");
        }
        return c;
    }

    @Override
    public Flux<SupervisionEvent> events() {
        return tree.events();
    }

    @Override
    public Flux<SupervisionEvent.DeadLetter> deadLetters() {
        return tree.events().ofType(SupervisionEvent.DeadLetter.class);
    }

    @Override
    public SupervisorSnapshot snapshot() {
        List<ChildCell> copy;
        synchronized (this) {
            copy = new ArrayList<>(children);
        }
        List<ChildSnapshot> snaps = new ArrayList<>(copy.size());
        for (ChildCell c : copy) {
            snaps.add(c.snapshot());
        }
        return new SupervisorSnapshot(name, path(), sspec.strategy(), state, restarts, uptime(), snaps);
    }

    @Override
    public Mono<Void> shutdown(Duration deadline) {
        Checks.positive(deadline, "deadline");
        if (parent != null) {
            return parent.stopChild(name, deadline);
        }
        return stop(deadline);
    }

    @Override
    public Mono<Void> termination() {
        SupervisorCell root = this;
        while (root.parent != null) {
            root = root.parent;
        }
        return Objects.requireNonNull(root.termination).asMono();
    }

    @Override
    public void startChild(ChildSpec spec) {
        Objects.requireNonNull(spec, "child");
        ChildCell cell;
        synchronized (this) {
            if (!running || state == ComponentState.STOPPING || state.isTerminal()) {
                throw new IllegalStateException("supervisor '" + path() + "' is " + state + " and cannot start children");
            }
            if (byName.containsKey(spec.name())) {
                throw new IllegalArgumentException("child name must be unique within supervisor '" + path()
                        + "', but '" + spec.name() + "' is taken");
            }
            if (children.size() >= sspec.maxChildren()) {
                throw new IllegalArgumentException("supervisor '" + path() + "' holds at most " + sspec.maxChildren()
                        + " children, but '" + spec.name() + "' would be child " + (children.size() + 1));
            }
            cell = newChild(spec);
            children.add(cell);
            byName.put(cell.name, cell);
        }
        cell.startPipeline();
    }

    @Override
    public Mono<Void> stopChild(String childName, Duration deadline) {
        Checks.positive(deadline, "deadline");
        return existingChild(childName).stop(deadline);
    }

    @Override
    public void restartChild(String childName) {
        ChildCell c = existingChild(childName);
        Runnable effect = null;
        synchronized (this) {
            if (!running) {
                throw new IllegalStateException("supervisor '" + path() + "' is " + state + " and cannot restart children");
            }
            if (c.state.isTerminal()) {
                c.gate = null; // a gate left from before it stopped leads nowhere
                effect = c::revive;
            } else if (c.gate != null) {
                effect = openGate(c);
            } else if (c.state == ComponentState.RUNNING || c.state == ComponentState.STARTING) {
                effect = c::terminateForRestart;
            }
        }
        if (effect != null) {
            effect.run();
        }
    }

    @Override
    public Mono<Void> removeChild(String childName, Duration deadline) {
        Checks.positive(deadline, "deadline");
        ChildCell c = existingChild(childName);
        c.removed = true;
        return c.stop(deadline).then(Mono.fromRunnable(() -> {
            synchronized (this) {
                children.remove(c);
                byName.remove(c.name);
            }
        }));
    }

    // ------------------------------------------------------------------ inner types

    /** Members of a group restart, in start order, and those not yet stopped. */
    private static final class Group {
        final List<ChildCell> members;
        final Set<ChildCell> pending = new HashSet<>();
        boolean delayElapsed;

        Group(List<ChildCell> members) {
            this.members = members;
        }
    }

    /** One incarnation of a supervisor: it lasts until the supervisor escalates, is restarted or stops. */
    private static final class SupervisorIncarnation implements Subscription {
        final CoreSubscriber<? super Void> actual;
        private volatile boolean ended;

        SupervisorIncarnation(CoreSubscriber<? super Void> actual) {
            this.actual = actual;
        }

        synchronized boolean end() {
            if (ended) {
                return false;
            }
            ended = true;
            return true;
        }

        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
            end();
        }
    }
}
