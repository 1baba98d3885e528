package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The liveness probe of one incarnation. Every interval it starts a {@link Check} and schedules
 * its timeout, and sends a probe through the mailbox, behind the messages already queued,
 * unless an earlier probe still waits there: a component never holds more than one probe,
 * whatever its backlog. When the drain reaches the probe it answers the latest check. A check that reaches the drain is answered at once, or by the spec's
 * health probe over the state, run by the drain between two messages; a check not answered
 * within the timeout, or answered false, is a failure. After {@code unhealthyAfter} failures
 * in a row the incarnation is killed as hung. Hence a hung component is restarted within
 * {@code interval * unhealthyAfter + timeout}. The timers only post: the kill is settled by
 * the component's drain, the events are delivered by the tree's hub.
 */
final class HealthMonitor {

    private final ComponentCell cell;
    private final Incarnation incarnation;
    private final HealthCheck spec;
    private volatile @Nullable Disposable ticks;
    /** The check of the latest tick, which the probe in the mailbox answers when the drain reaches it. */
    private volatile @Nullable Check latest;
    /** Whether a probe waits in the mailbox. */
    private volatile boolean probeQueued;
    private int failuresInARow; // guarded by this
    private volatile boolean stopped;

    HealthMonitor(ComponentCell cell, Incarnation incarnation) {
        this.cell = cell;
        this.incarnation = incarnation;
        this.spec = Objects.requireNonNull(cell.cspec.healthCheck());
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
        latest = check;
        check.timeout = cell.timer().schedule(check::timedOut, spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
        if (!probeQueued) {
            probeQueued = true;
            cell.mailbox.offerProbe(check);
            cell.signalQueued();
        }
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
    final class Check {
        static final int PENDING = 0;
        private static final int DONE = 1;

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Check> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Check.class, "outcome");

        volatile int outcome = PENDING;
        volatile @Nullable Disposable timeout;

        /** The drain reached this probe, between two messages of {@code inc}: it answers the latest check. */
        void reached(Incarnation inc) {
            probeQueued = false;
            Check check = latest;
            if (inc != incarnation || check == null || check.outcome != PENDING) {
                return; // sent to an incarnation that has ended, or the check timed out already
            }
            check.probe(inc);
        }

        private void probe(Incarnation inc) {
            Function<Object, Mono<Boolean>> probe = cell.cspec.healthProbe();
            if (probe == null) {
                answered(true, null);
                return;
            }
            try {
                Objects.requireNonNull(probe.apply(inc.state), "health probe returned null")
                        .subscribe(healthy -> answered(Boolean.TRUE.equals(healthy), null),
                                error -> answered(false, error), () -> answered(false, null));
            } catch (Throwable t) {
                answered(false, t);
            }
        }

        void answered(boolean healthy, @Nullable Throwable error) {
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
