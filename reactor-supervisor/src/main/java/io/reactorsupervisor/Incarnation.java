package io.reactorsupervisor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;

/**
 * One incarnation of a component: its fresh state, and the subscription its pipeline holds.
 * It never emits items; it ends once, with {@code onComplete} (shutdown drained the mailbox)
 * or {@code onError} (a crash, a normal exit, or a supervisor's signal).
 *
 * <p>When the spec has a health check or a processing timeout, the incarnation can be
 * <em>killed</em> from another thread: an asynchronous handler is cancelled; a synchronous
 * one is interrupted and abandoned (its thread keeps the drain loop until the handler
 * returns, and the next incarnation drains on a new worker of the component's scheduler).
 */
final class Incarnation implements Subscription {

    private static final AtomicIntegerFieldUpdater<Incarnation> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(Incarnation.class, "ended");

    final CoreSubscriber<? super Void> actual;
    final Object state;
    private final @Nullable ComponentCell cell;
    private final boolean killable;

    private volatile int ended;
    volatile ComponentCell.@Nullable InFlight inFlight;
    volatile boolean terminateRequested;

    // guarded by this: the synchronous handler now running, for a kill
    private @Nullable Thread runner;
    private @Nullable Object runningItem;
    private int runningDeliveries;
    private boolean killed;

    private volatile @Nullable Disposable timeoutTask;
    private volatile @Nullable HealthMonitor health;

    Incarnation(CoreSubscriber<? super Void> actual, Object state, ComponentCell cell) {
        this.actual = actual;
        this.state = state;
        this.cell = cell;
        this.killable = cell.cspec.healthCheck() != null || cell.cspec.processingTimeout() != null;
    }

    /** An incarnation whose state factory failed: it ends at once. */
    Incarnation(CoreSubscriber<? super Void> actual) {
        this.actual = actual;
        this.state = new Object();
        this.cell = null;
        this.killable = false;
    }

    /** @return true for the one call that ends the incarnation */
    boolean end() {
        if (ENDED.compareAndSet(this, 0, 1)) {
            stopTimers();
            if (state instanceof AutoCloseable) {
                try {
                    ((AutoCloseable) state).close();
                } catch (Exception e) {
                    Tree.LOG.warn("closing the state of an ended incarnation failed", e);
                }
            }
            return true;
        }
        return false;
    }

    boolean isEnded() {
        return ended != 0;
    }

    @Override
    public void request(long n) {
        // emits no items
    }

    @Override
    public void cancel() {
        if (end() && cell != null) {
            cell.cancelled(this);
        }
    }

    // ------------------------------------------------------------------ kills

    /** @return false if this incarnation was killed before the handler could start: the item stays queued */
    boolean enterHandler(Object item, int deliveries) {
        if (!killable) {
            return true;
        }
        synchronized (this) {
            if (isEnded()) {
                return false;
            }
            runner = Thread.currentThread();
            runningItem = item;
            runningDeliveries = deliveries;
        }
        startTimeout(item, deliveries);
        return true;
    }

    /** @return false if the handler was killed meanwhile: the drain loop must abandon its thread */
    boolean exitHandler() {
        if (!killable) {
            return true;
        }
        stopTimeout();
        synchronized (this) {
            runner = null;
            runningItem = null;
            if (killed) {
                Thread.interrupted(); // our interrupt: leave the pooled thread clean
                return false;
            }
            return true;
        }
    }

    void startTimeout(Object item, int deliveries) {
        ComponentCell c = cell;
        if (c == null || c.cspec.processingTimeout() == null || item instanceof ComponentCell.Probe) {
            return;
        }
        long nanos = c.cspec.processingTimeout().toNanos();
        timeoutTask = c.timer().schedule(() -> kill(new TimeoutException("handler of '" + c.path()
                + "' took longer than its processing timeout " + c.cspec.processingTimeout())), nanos,
                TimeUnit.NANOSECONDS);
    }

    void stopTimeout() {
        Disposable t = timeoutTask;
        if (t != null) {
            timeoutTask = null;
            t.dispose();
        }
    }

    /**
     * Ends this incarnation from outside (health check, processing timeout) as a crash with
     * {@code cause}, cancelling or abandoning the handler now running.
     */
    void kill(Throwable cause) {
        ComponentCell c = cell;
        if (c == null || isEnded()) {
            return;
        }
        Object item = null;
        int deliveries = 0;
        boolean abandoned = false;
        synchronized (this) {
            if (runner != null) {
                item = runningItem;
                deliveries = runningDeliveries;
                killed = true;
                abandoned = true;
                runner.interrupt();
                runner = null;
                runningItem = null;
            }
        }
        ComponentCell.InFlight cancelled = null;
        if (!abandoned) {
            ComponentCell.InFlight f = inFlight;
            if (f != null && f.cancel()) {
                cancelled = f;
                if (!(f.item instanceof ComponentCell.Probe)) {
                    item = f.item;
                    deliveries = f.deliveries;
                }
            }
        }
        c.crashed(this, item, deliveries, cause);
        if (cancelled != null) {
            inFlight = null; // only now: the drain loop must not see this incarnation idle before it has ended
        }
        if (abandoned) {
            c.takeOverDrain();
        } else {
            c.signalDrain();
        }
    }

    /** Interrupts a synchronous handler now running (shutdown deadline), without killing. */
    synchronized void interruptHandler() {
        if (runner != null) {
            runner.interrupt();
        }
    }

    // ------------------------------------------------------------------ health

    void startHealthCheck(ComponentCell c) {
        if (c.cspec.healthCheck() != null) {
            HealthMonitor m = new HealthMonitor(c, this);
            health = m;
            m.start();
        }
    }

    void stopTimers() {
        stopTimeout();
        HealthMonitor m = health;
        if (m != null) {
            health = null;
            m.stop();
        }
    }
}
