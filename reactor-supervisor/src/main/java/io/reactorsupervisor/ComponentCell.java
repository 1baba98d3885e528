package io.reactorsupervisor;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.Operators;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.concurrent.Queues;
import reactor.util.context.Context;

/**
 * A running component: its mailbox, which outlives incarnations, and the drain loop that
 * feeds the current incarnation one message at a time.
 *
 * <p>The mailbox is a multi-producer queue with a single consumer: the drain loop, which
 * runs on the component's scheduler and is serialized by the {@link #wip} counter (the
 * work-in-progress pattern of Reactor's own operators). Only the drain loop polls the queue,
 * whether it hands messages to a handler or, once the component has ended, publishes them as
 * dead letters. A synchronous handler runs inside the loop; an asynchronous one leaves an
 * {@link InFlight} subscriber behind, and the loop resumes when it terminates.
 */
final class ComponentCell extends ChildCell implements ComponentRef<Object, Object>, Runnable {

    /** Messages handled per drain before yielding the thread to other components. */
    private static final int BATCH = 128;

    private static final AtomicIntegerFieldUpdater<ComponentCell> WIP =
            AtomicIntegerFieldUpdater.newUpdater(ComponentCell.class, "wip");
    private static final AtomicIntegerFieldUpdater<ComponentCell> DEPTH =
            AtomicIntegerFieldUpdater.newUpdater(ComponentCell.class, "depth");
    private static final AtomicLongFieldUpdater<ComponentCell> DEAD =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "deadLetters");
    private static final AtomicLongFieldUpdater<ComponentCell> HANDLED =
            AtomicLongFieldUpdater.newUpdater(ComponentCell.class, "handled");

    final ComponentSpec<?, ?> cspec;
    private final int capacity;
    private final @Nullable BiFunction<Object, Object, Mono<?>> asyncHandler;
    private final @Nullable BiFunction<Object, Object, ?> syncHandler;
    private final Queue<Object> queue = Queues.unboundedMultiproducer().get();

    private volatile int wip;
    private volatile int depth;
    private volatile long handled;
    private volatile long deadLetters;

    /** Runs the drain loop; looked up when the component starts, so virtual time can replace it. */
    private volatile Scheduler scheduler;
    /**
     * The worker of {@link #scheduler} that runs every drain of this component, as a
     * {@code publishOn} keeps one worker per subscription: successive drains stay on one
     * thread instead of waking each of the scheduler's threads in turn. Taken by the first
     * drain, so a component never told anything has none. Null for a {@code blocking()}
     * component, whose drains each take whichever thread is free. Read and written only by
     * whoever holds the drain ({@link #wip}).
     */
    private Scheduler.@Nullable Worker worker;
    private @Nullable Scheduler workerScheduler;
    volatile @Nullable Incarnation current;
    /** Why messages still queued become dead letters once the component has ended. */
    private volatile DeadLetterReason terminalReason = DeadLetterReason.COMPONENT_STOPPED;
    private volatile @Nullable Throwable terminalCause;

    // touched by the drain loop, and by a crash before the next incarnation starts
    private @Nullable Object redeliverItem;
    private int redeliverCount;

    private @Nullable Map<String, String> circuits;
    private volatile Sinks.@Nullable Empty<Void> stopSignal;
    /** The tree is shutting down: refuse new messages, while what is queued still gets handled. */
    private volatile boolean closed;
    private volatile @Nullable Disposable stopDeadline;

    ComponentCell(ComponentSpec<?, ?> spec, SupervisorCell parent, Tree tree) {
        super(spec, parent, tree);
        this.cspec = spec;
        this.capacity = spec.mailbox().capacity();
        this.asyncHandler = spec.asyncHandler();
        this.syncHandler = spec.syncHandler();
        this.scheduler = spec.scheduler();
    }

    // ------------------------------------------------------------------ ComponentRef

    @Override
    public String name() {
        return name;
    }

    @Override
    public ComponentState state() {
        return state;
    }

    @Override
    public int mailboxDepth() {
        return depth;
    }

    @Override
    public boolean tell(Object message) {
        Objects.requireNonNull(message, "message");
        return offer(message, message) == null;
    }

    @Override
    public Mono<Object> ask(Object message) {
        Objects.requireNonNull(message, "message");
        return Mono.create(sink -> {
            RuntimeException refused = offer(new Ask(message, sink), message);
            if (refused != null) {
                sink.error(refused);
            }
        });
    }

    @Override
    public synchronized void reportCircuitState(String breaker, String fromState, String toState) {
        Objects.requireNonNull(breaker, "breaker");
        if (circuits == null) {
            circuits = new ConcurrentHashMap<>();
        }
        circuits.put(breaker, Objects.requireNonNull(toState, "toState"));
        tree.publish(new SupervisionEvent.CircuitStateChanged(path(), Tree.now(), breaker,
                Objects.requireNonNull(fromState, "fromState"), toState));
    }

    /** @return null if accepted, otherwise the reason it was refused (already dead-lettered) */
    private @Nullable RuntimeException offer(Object item, Object message) {
        ComponentState s = state;
        if (closed || s.isTerminal()) {
            DeadLetterReason reason = s == ComponentState.FAILED ? DeadLetterReason.COMPONENT_FAILED
                    : terminalReason;
            deadLetter(message, reason, terminalCause);
            return new ComponentUnavailableException(path(), closed && !s.isTerminal() ? ComponentState.STOPPING : s,
                    terminalCause);
        }
        if (DEPTH.incrementAndGet(this) > capacity) {
            DEPTH.decrementAndGet(this);
            deadLetter(message, DeadLetterReason.MAILBOX_FULL, null);
            return new MailboxFullException(path(), capacity);
        }
        queue.offer(item);
        signalQueued();
        return null;
    }

    /** Enqueues an internal item (a health probe) that bypasses the bound and the depth count. */
    void offerInternal(Object item) {
        queue.offer(item);
        signalQueued();
    }

    // ------------------------------------------------------------------ drain loop

    /**
     * A message was queued. While a drain holds {@link #wip}, it polls the queue once more
     * before it lets go (see {@link #run}), so the sender only reads {@code wip}: no atomic
     * update per message while the component is busy.
     */
    private void signalQueued() {
        if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            schedule();
        }
    }

    /** Something other than a queued message changed (an end, a stop, a reply): drain again. */
    void signalDrain() {
        if (WIP.getAndIncrement(this) == 0) {
            schedule();
        }
    }

    private void schedule() {
        try {
            if (cspec.blocking()) {
                scheduler.schedule(this);
                return;
            }
            Scheduler.Worker w = worker;
            Scheduler s = scheduler;
            if (w == null || workerScheduler != s || w.isDisposed()) {
                w = s.createWorker();
                worker = w;
                workerScheduler = s;
            }
            w.schedule(this);
        } catch (RejectedExecutionException e) {
            // the scheduler was disposed: nothing can run the handler any more
            Tree.LOG.error("'{}': its scheduler rejected the drain task; failing the component", path(), e);
            WIP.set(this, 0); // nothing drains now: let the failure flush the mailbox inline
            Incarnation inc = current;
            if (inc != null && inc.end()) {
                current = null;
                signalEnd(inc.actual, new Signals.GiveUp(e));
            }
        }
    }

    /**
     * After a kill abandoned the thread stuck in a synchronous handler (that thread keeps
     * the drain until its handler returns, then leaves without touching anything), take the
     * drain over on a fresh task.
     */
    void takeOverDrain() {
        WIP.set(this, 1);
        // the abandoned thread still runs a task of the current worker: drain on a new one. The old
        // worker is dropped, not disposed: disposing it from here would interrupt that thread again
        worker = null;
        schedule();
    }

    private static final int DRAINED = 0;
    private static final int YIELD = 1;
    private static final int ABANDON = 2;

    @Override
    public void run() {
        int missed = 1;
        for (;;) {
            int outcome = drainBatch();
            if (outcome == YIELD) {
                schedule(); // budget used up: continue in a later task, keeping the drain
                return;
            }
            if (outcome == ABANDON) {
                return; // the drain was taken over by another task
            }
            missed = WIP.addAndGet(this, -missed);
            if (missed == 0) {
                // a sender that saw this drain running did not signal: take its message, unless
                // nothing can take it now (whatever unblocks the drain signals it again)
                if (queue.isEmpty() || blocked() || !WIP.compareAndSet(this, 0, 1)) {
                    return;
                }
                missed = 1;
            }
        }
    }

    /**
     * Whether the drain can't take messages now: between incarnations (the next one signals
     * when it starts, if messages are waiting), or waiting on an asynchronous handler (which
     * signals when it ends). An ended component is not blocked: it flushes its mailbox.
     */
    private boolean blocked() {
        Incarnation inc = current;
        return inc == null ? !state.isTerminal() : inc.inFlight != null;
    }

    private int drainBatch() {
        int budget = BATCH;
        int polled = 0;
        try {
            for (;;) {
                Incarnation inc = current;
                if (inc == null) {
                    if (state.isTerminal()) {
                        polled += flushDeadLetters();
                        retireWorker();
                    }
                    return DRAINED;
                }
                if (inc.inFlight != null) {
                    return DRAINED;
                }
                if (inc.terminateRequested) {
                    endIncarnation(inc, new Signals.Terminated("restarted by its supervisor"));
                    continue;
                }
                Object item;
                int deliveries;
                if (redeliverItem != null) {
                    item = redeliverItem;
                    deliveries = redeliverCount;
                    redeliverItem = null;
                } else {
                    item = queue.poll();
                    if (item == null) {
                        if (stopRequested) {
                            flushPolled(polled);
                            polled = 0;
                            endIncarnation(inc, null);
                            continue;
                        }
                        return DRAINED;
                    }
                    deliveries = 0;
                    if (!(item instanceof Probe)) {
                        polled++;
                    }
                }
                if (budget-- == 0) {
                    // put it back at the front: the redelivery slot is read before the queue
                    redeliverItem = item;
                    redeliverCount = deliveries;
                    return YIELD;
                }
                if (!process(inc, item, deliveries)) {
                    return ABANDON;
                }
            }
        } finally {
            flushPolled(polled);
        }
    }

    /**
     * The component has ended and its mailbox is flushed: give its worker back (a worker of a
     * bounded elastic scheduler holds a share of a thread). A revived component takes a new one.
     * Called by the drain's holder, possibly from a task of this very worker, which is allowed:
     * a task disposed on its own thread is not interrupted.
     */
    private void retireWorker() {
        Scheduler.Worker w = worker;
        if (w != null) {
            worker = null;
            w.dispose();
        }
    }

    /** The drain loop counts what it polls and updates the depth once per batch, and before it signals an end. */
    private void flushPolled(int polled) {
        if (polled != 0) {
            DEPTH.addAndGet(this, -polled);
        }
    }

    /** @return false if a kill abandoned this thread while it ran a synchronous handler */
    private boolean process(Incarnation inc, Object item, int deliveries) {
        if (item instanceof Probe) {
            probe(inc, (Probe) item);
            return true;
        }
        Object message = item instanceof Ask ? ((Ask) item).message : item;
        if (syncHandler != null) {
            Object reply;
            if (!inc.enterHandler(item, deliveries)) {
                // killed between two messages: the item goes to the next incarnation, first
                redeliverItem = item;
                redeliverCount = deliveries;
                return true;
            }
            try {
                reply = syncHandler.apply(inc.state, message);
            } catch (Throwable t) {
                if (!inc.exitHandler()) {
                    return false;
                }
                crashed(inc, item, deliveries, t);
                return true;
            }
            if (!inc.exitHandler()) {
                return false;
            }
            replied(item, reply);
            return true;
        }
        Mono<?> mono;
        try {
            mono = Objects.requireNonNull(asyncHandler).apply(inc.state, message);
            if (mono == null) {
                throw new NullPointerException("handler of '" + path() + "' returned null instead of a Mono");
            }
        } catch (Throwable t) {
            crashed(inc, item, deliveries, t);
            return true;
        }
        subscribeReply(inc, item, deliveries, mono);
        return true;
    }

    private void subscribeReply(Incarnation inc, Object item, int deliveries, Mono<?> mono) {
        if (mono instanceof Callable) {
            // Mono.just, Mono.empty, Mono.error, Mono.fromCallable: no subscription needed
            Object reply;
            try {
                reply = ((Callable<?>) mono).call();
            } catch (Throwable t) {
                // Mono.error(anError).call() throws the Error wrapped by Exceptions.propagate
                failedReply(inc, item, deliveries, Exceptions.unwrap(t));
                return;
            }
            replied(item, reply);
            return;
        }
        InFlight f = new InFlight(this, inc, item, deliveries);
        inc.inFlight = f;
        if (inc.isEnded()) {
            // killed while the handler built its Mono, with nothing in flight for the kill to take: the
            // item goes to the next incarnation first, rather than to a Mono nobody would ever stop
            if (f.cancel()) {
                inc.inFlight = null;
                if (!(item instanceof Probe)) {
                    redeliverItem = item;
                    redeliverCount = deliveries;
                }
            }
            return;
        }
        inc.startTimeout(item, deliveries);
        try {
            mono.subscribe(f);
        } catch (Throwable t) {
            // Reactor rethrows JVM-fatal errors (StackOverflowError, LinkageError, ...) out of
            // subscribe instead of signalling them: a crash like any other, or the drain would be lost
            f.onError(t);
        }
        f.subscribed();
    }

    /** A health check reached the front of the mailbox: answer it, from the state if the spec says so. */
    private void probe(Incarnation inc, Probe probe) {
        if (probe.incarnation() != inc) {
            return; // sent to an incarnation that has ended
        }
        java.util.function.Function<Object, Mono<Boolean>> custom = cspec.healthProbe();
        if (custom == null) {
            probe.answered(true, null);
            return;
        }
        Mono<Boolean> answer;
        try {
            answer = Objects.requireNonNull(custom.apply(inc.state), "health probe returned null");
        } catch (Throwable t) {
            probe.answered(false, t);
            return;
        }
        subscribeReply(inc, probe, 0, answer);
    }

    /** A handler's Mono failed: a crash, unless the item was a health probe (a failed check). */
    private void failedReply(Incarnation inc, Object item, int deliveries, Throwable t) {
        if (item instanceof Probe) {
            ((Probe) item).answered(false, t);
        } else {
            crashed(inc, item, deliveries, t);
        }
    }

    /** The handler finished a message: reply, count it. A {@link NormalExit} ends the incarnation. */
    private void replied(Object item, @Nullable Object reply) {
        if (item instanceof Probe) {
            ((Probe) item).answered(Boolean.TRUE.equals(reply), null);
            return;
        }
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

    /** An incarnation ended abnormally while handling {@code item} (null when none, e.g. a failed health check). */
    void crashed(Incarnation inc, @Nullable Object item, int deliveries, Throwable cause) {
        if (cause instanceof NormalExit) {
            if (item != null) {
                replied(item, null);
            }
            endIncarnation(inc, cause);
            return;
        }
        if (!inc.end()) {
            // already ended (cancelled, or timed out first): its item was taken care of then
            return;
        }
        String path = path(); // built on demand: once here
        if (cause instanceof VirtualMachineError && !(cause instanceof StackOverflowError)) {
            Tree.LOG.error("'{}': fatal error in handler; the component is restarted but the JVM may be unstable",
                    path, cause);
        }
        current = null;
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
        signalEnd(inc.actual, cause);
    }

    /** Ends an incarnation: normally (null: complete) or with a signal for the supervisor. */
    private void endIncarnation(Incarnation inc, @Nullable Throwable signal) {
        if (!inc.end()) {
            return;
        }
        current = null;
        if (signal == null) {
            inc.actual.onComplete();
        } else {
            signalEnd(inc.actual, signal);
        }
    }

    // ------------------------------------------------------------------ dead letters

    private int flushDeadLetters() {
        int polled = 0;
        DeadLetterReason reason = terminalReason;
        if (redeliverItem != null) {
            Object item = redeliverItem;
            redeliverItem = null;
            deadLetter(item, reason, terminalCause);
        }
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof Probe) {
                continue;
            }
            polled++;
            deadLetter(item, reason, terminalCause);
        }
        return polled;
    }

    /** Publishes a message that will not be handled and fails its ask, if it is one. */
    void deadLetter(Object item, DeadLetterReason reason, @Nullable Throwable cause) {
        String path = path(); // built on demand: once here
        Object message = item;
        if (item instanceof Ask) {
            Ask ask = (Ask) item;
            message = ask.message;
            ask.sink.error(reason == DeadLetterReason.CRASHED && cause != null
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
    Flux<Void> incarnations() {
        return new IncarnationFlux(this);
    }

    /** Called on subscription to {@link #incarnations()}: a new incarnation with fresh state. */
    void attach(CoreSubscriber<? super Void> actual) {
        Object freshState;
        try {
            freshState = Objects.requireNonNull(cspec.newState(), "state factory returned null");
        } catch (Throwable t) {
            Incarnation failed = new Incarnation(actual);
            actual.onSubscribe(failed);
            failed.end();
            tree.publish(new SupervisionEvent.Crashed(path(), Tree.now(), t, null));
            Tree.LOG.warn("'{}': state factory failed", path(), t);
            signalEnd(actual, t);
            return;
        }
        Incarnation inc = new Incarnation(actual, freshState, this);
        scheduler = cspec.scheduler();
        actual.onSubscribe(inc);
        current = inc;
        incarnationStarted();
        inc.startHealthCheck(this);
        // a message told from now on signals its own drain; one that came earlier is in the queue.
        // A component never told anything takes no drain, and so no worker: idle, it costs less
        if (redeliverItem != null || stopRequested || !queue.isEmpty()) {
            signalDrain();
        }
    }

    /** The pipeline was cancelled (stop, removal): the incarnation ends without a signal. */
    void cancelled(Incarnation inc) {
        if (current == inc) {
            current = null;
        }
        InFlight f = inc.inFlight;
        if (f != null && f.cancel()) {
            inc.inFlight = null;
            if (!(f.item instanceof Probe)) {
                deadLetter(f.item, DeadLetterReason.SHUT_DOWN, null);
            }
        }
    }

    @Override
    void afterTerminal(ComponentState terminal, @Nullable Throwable cause) {
        if (terminal == ComponentState.FAILED) {
            terminalReason = DeadLetterReason.COMPONENT_FAILED;
            terminalCause = cause;
        } else if (stopSignal == null) {
            terminalReason = DeadLetterReason.COMPONENT_STOPPED;
            terminalCause = null;
        }
        Sinks.Empty<Void> signal = stopSignal;
        Disposable deadline = stopDeadline;
        if (deadline != null) {
            deadline.dispose();
        }
        // flush the mailbox as dead letters now, before anyone hears that the component ended
        // (unless a handler still holds the drain: it flushes when it returns)
        if (WIP.getAndIncrement(this) == 0) {
            run();
        }
        if (signal != null) {
            signal.tryEmitEmpty();
        }
    }

    @Override
    void terminateForRestart() {
        Incarnation inc = current;
        if (inc != null) {
            inc.terminateRequested = true;
            signalDrain();
        }
    }

    @Override
    void close() {
        terminalReason = DeadLetterReason.SHUT_DOWN;
        closed = true;
    }

    @Override
    synchronized Mono<Void> stop(Duration deadline) {
        if (stopSignal != null) {
            return stopSignal.asMono();
        }
        Sinks.Empty<Void> signal = Sinks.empty();
        stopSignal = signal;
        if (state.isTerminal()) {
            signal.tryEmitEmpty();
            return signal.asMono();
        }
        close();
        stopRequested = true;
        if (gate != null) {
            // parked by its supervisor until a group or subtree restart: nothing will drain it, stop now
            disposePipeline();
            stopped("shut down while waiting for its supervisor");
            return signal.asMono();
        }
        if (current != null) {
            state = ComponentState.STOPPING;
        }
        signalDrain();
        if (!state.isTerminal()) {
            // still draining (or waiting out a restart delay: it drains once restarted, within the same
            // deadline). A stop that completed in signalDrain, as on Schedulers.immediate(), needs no timer
            Disposable timer = timer().schedule(this::deadlinePassed, deadline.toNanos(), TimeUnit.NANOSECONDS);
            stopDeadline = timer;
            if (state.isTerminal()) {
                timer.dispose(); // it ended meanwhile, maybe before afterTerminal could see the timer
            }
        }
        return signal.asMono();
    }

    /** The shutdown deadline passed: what is left becomes dead letters, the component stops now. */
    private void deadlinePassed() {
        if (state.isTerminal()) {
            return;
        }
        Tree.LOG.warn("'{}' did not drain its mailbox within the shutdown deadline", path());
        Incarnation inc = current;
        if (inc != null) {
            inc.interruptHandler();
        }
        disposePipeline(); // cancels the incarnation: an in-flight async message is dead-lettered
        stopped("shutdown deadline passed");
    }

    /** Revives a FAILED or STOPPED component, keeping its mailbox. */
    @Override
    void revive() {
        synchronized (this) {
            stopSignal = null;
            stopDeadline = null;
            closed = false;
            terminalReason = DeadLetterReason.COMPONENT_STOPPED;
            terminalCause = null;
        }
        super.revive();
    }

    long handledCount() {
        return handled;
    }

    @Override
    ComponentSnapshot snapshot() {
        Map<String, String> c;
        synchronized (this) {
            c = circuits == null ? Map.of() : Map.copyOf(circuits);
        }
        return new ComponentSnapshot(name, path(), state, restarts, uptime(), depth, handled, deadLetters, c);
    }

    // ------------------------------------------------------------------ inner types

    /** A message sent with {@code ask}: the message and where its reply goes. */
    static final class Ask {
        final Object message;
        final MonoSink<Object> sink;

        Ask(Object message, MonoSink<Object> sink) {
            this.message = message;
            this.sink = sink;
        }
    }

    /** Something the health check sends through the mailbox; see {@link HealthMonitor}. */
    interface Probe {
        /** @return the incarnation it was sent to */
        Incarnation incarnation();

        /** Its answer: healthy or not, with the probe's error if it failed. */
        void answered(boolean healthy, @Nullable Throwable error);
    }

    /** Each subscription is one incarnation of the component. */
    static final class IncarnationFlux extends Flux<Void> {
        private final ComponentCell cell;

        IncarnationFlux(ComponentCell cell) {
            this.cell = cell;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            cell.attach(actual);
        }
    }

    /** The subscriber of an asynchronous handler's Mono for one message. */
    static final class InFlight implements CoreSubscriber<Object> {
        private static final AtomicIntegerFieldUpdater<InFlight> DONE =
                AtomicIntegerFieldUpdater.newUpdater(InFlight.class, "done");
        @SuppressWarnings("rawtypes")
        private static final AtomicReferenceFieldUpdater<InFlight, Subscription> S =
                AtomicReferenceFieldUpdater.newUpdater(InFlight.class, Subscription.class, "s");

        final ComponentCell cell;
        final Incarnation inc;
        final Object item;
        final int deliveries;
        volatile @Nullable Subscription s;
        volatile int done;
        /** True while the drain loop is inside {@code subscribe}: a synchronous end needs no new drain. */
        volatile boolean subscribing = true;
        private @Nullable Object value;

        InFlight(ComponentCell cell, Incarnation inc, Object item, int deliveries) {
            this.cell = cell;
            this.inc = inc;
            this.item = item;
            this.deliveries = deliveries;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.setOnce(S, this, s)) {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(Object v) {
            value = Objects.requireNonNull(v, "onNext"); // rule 2.13
        }

        @Override
        public void onError(Throwable e) {
            Objects.requireNonNull(e, "onError"); // rule 2.13, before anything ends the incarnation
            if (DONE.compareAndSet(this, 0, 1)) {
                inc.stopTimeout();
                // end the incarnation (a crash) before releasing the drain loop
                cell.failedReply(inc, item, deliveries, e);
                inc.inFlight = null;
                if (!subscribing) {
                    cell.signalDrain();
                }
            }
        }

        @Override
        public void onComplete() {
            if (DONE.compareAndSet(this, 0, 1)) {
                inc.stopTimeout();
                // reply and count before releasing the drain loop: it owns the counters
                cell.replied(item, value);
                inc.inFlight = null;
                if (!subscribing) {
                    cell.signalDrain();
                }
            }
        }

        void subscribed() {
            subscribing = false;
        }

        /** @return true if this call stopped the handler; false if it had already ended */
        boolean cancel() {
            if (DONE.compareAndSet(this, 0, 1)) {
                Operators.terminate(S, this);
                return true;
            }
            return false;
        }

        @Override
        public Context currentContext() {
            return Context.empty();
        }
    }
}
