package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

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

    final ComponentCell cell;
    final CoreSubscriber<? super Object> actual;
    /** Created by the drain when the incarnation begins; null before, or if the factory failed. */
    @Nullable Object state;
    /** Set by the drain when the incarnation has ended: nothing runs on it any more. */
    boolean ended;
    volatile boolean cancelled;
    volatile boolean terminateRequested;
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
    private @Nullable HealthMonitor health;

    Incarnation(ComponentCell cell, CoreSubscriber<? super Object> actual) {
        this.cell = cell;
        this.actual = actual;
    }

    @Override
    public void request(long n) {
        // emits nothing on request
    }

    @Override
    public void cancel() {
        cancelled = true;
        cell.signal();
    }

    /** Whether this thread is running this incarnation's synchronous handler now. */
    boolean isRunningHandler() {
        Object r = running;
        return r != null && r != ABANDONED && runner == Thread.currentThread();
    }

    // ------------------------------------------------------------------ handling (the drain only)

    /**
     * Hands one message to the handler.
     *
     * @return false if a kill abandoned this thread meanwhile: the drain belongs to another task now
     */
    boolean handle(Object item, int deliveries) {
        Object message = item instanceof Ask ? ((Ask) item).message : item;
        BiFunction<Object, Object, ?> sync = cell.cspec.syncHandler();
        Thread.interrupted(); // an interrupt left over from an earlier message is not this one's
        startTimeout();
        runner = Thread.currentThread();
        runningDeliveries = deliveries;
        RUNNING.lazySet(this, item);
        Object result = null;
        Throwable error = null;
        try {
            result = sync != null ? sync.apply(state, message)
                    : Objects.requireNonNull(cell.cspec.asyncHandler()).apply(state, message);
        } catch (Throwable t) {
            error = t;
        }
        if (RUNNING.getAndSet(this, null) != item) {
            Thread.interrupted(); // our interrupt: leave the pooled thread clean
            return false;
        }
        if (error == null && sync == null && result == null) {
            error = new NullPointerException("handler of '" + cell.path() + "' returned null instead of a Mono");
        }
        if (error != null) {
            stopTimeout();
            cell.crash(this, item, deliveries, error);
            return true;
        }
        if (sync != null) {
            stopTimeout();
            cell.replied(item, result);
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
                cell.crash(this, item, deliveries, Exceptions.unwrap(t));
                return true;
            }
            stopTimeout();
            cell.replied(item, reply);
            return true;
        }
        InFlight f = new InFlight(this, item, deliveries);
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
        } else {
            cell.replied(f.item, value);
        }
        inFlight = null;
        if (!f.subscribing) {
            cell.signal();
        }
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
            cell.takeOver(); // that thread may never come back: drain on a new task
            return;
        }
        InFlight f = inFlight;
        if (f != null && f.cancel()) {
            killedDeliveries = f.deliveries;
            killedItem = f.item;
            inFlight = null;
        }
        cell.signal();
    }

    private void startTimeout() {
        if (cell.cspec.processingTimeout() == null) {
            return;
        }
        long nanos = cell.cspec.processingTimeout().toNanos();
        timeout = cell.timer().schedule(() -> kill(new TimeoutException("handler of '" + cell.path()
                + "' took longer than its processing timeout " + cell.cspec.processingTimeout())), nanos,
                TimeUnit.NANOSECONDS);
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
