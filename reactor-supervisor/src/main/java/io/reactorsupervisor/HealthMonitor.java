package io.reactorsupervisor;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The liveness probe of one incarnation. Every interval it sends a {@link Check} through the
 * mailbox, behind the messages already queued, and schedules the check's timeout. A check
 * that reaches the drain loop is answered at once, or by the spec's health probe over the
 * state; a check not answered within the timeout, or answered false, is a failure. After
 * {@code unhealthyAfter} failures in a row the incarnation is killed as hung. Hence a hung
 * component is restarted within {@code interval * unhealthyAfter + timeout}.
 */
final class HealthMonitor {

    private final ComponentCell cell;
    private final Incarnation incarnation;
    private final HealthCheck spec;
    private volatile @Nullable Disposable ticks;
    private int failuresInARow; // guarded by this
    private volatile boolean stopped;

    HealthMonitor(ComponentCell cell, Incarnation incarnation) {
        this.cell = cell;
        this.incarnation = incarnation;
        this.spec = java.util.Objects.requireNonNull(cell.cspec.healthCheck());
    }

    void start() {
        long interval = spec.interval().toNanos();
        ticks = cell.timer().schedulePeriodically(this::tick, interval, interval, TimeUnit.NANOSECONDS);
    }

    void stop() {
        stopped = true;
        Disposable t = ticks;
        if (t != null) {
            t.dispose();
        }
    }

    private void tick() {
        if (stopped) {
            return;
        }
        Check check = new Check();
        Scheduler timer = cell.timer();
        check.timeout = timer.schedule(check::timedOut, spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        cell.offerInternal(check);
    }

    private void succeeded() {
        synchronized (this) {
            failuresInARow = 0;
        }
    }

    private void failed(String reason) {
        int failures;
        synchronized (this) {
            failures = ++failuresInARow;
        }
        if (stopped) {
            return;
        }
        cell.tree.publish(new SupervisionEvent.HealthCheckFailed(cell.path(), Tree.now(), failures, reason));
        Tree.LOG.warn("'{}' failed a health check ({} in a row): {}", cell.path(), failures, reason);
        if (failures >= spec.unhealthyAfter()) {
            stop();
            incarnation.kill(new HealthCheckFailedException(cell.path(), failures, reason));
        }
    }

    /** One probe through the mailbox; answered, timed out or failed exactly once. */
    final class Check implements ComponentCell.Probe {
        private static final int PENDING = 0;
        private static final int DONE = 1;

        private static final AtomicIntegerFieldUpdater<Check> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Check.class, "outcome");

        volatile int outcome = PENDING;
        volatile @Nullable Disposable timeout;

        @Override
        public Incarnation incarnation() {
            return incarnation;
        }

        @Override
        public void answered(boolean healthy, @Nullable Throwable error) {
            if (STATE.compareAndSet(this, PENDING, DONE)) {
                Disposable t = timeout;
                if (t != null) {
                    t.dispose();
                }
                if (healthy) {
                    succeeded();
                } else {
                    failed(error != null ? "health probe failed: " + error : "health probe answered false");
                }
            }
        }

        void timedOut() {
            if (STATE.compareAndSet(this, PENDING, DONE)) {
                failed("no answer within " + spec.timeout());
            }
        }
    }
}
