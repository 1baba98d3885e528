package io.reactorsupervisor;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The liveness check of one incarnation, measured from the drain's own progress. Every
 * interval, unless a check is under way, it starts one:
 *
 * <ul>
 * <li>without a health probe, it sends nothing: it notes how many messages the drain has taken,
 * whether one is in progress and whether any wait. An idle component passes at once. Otherwise,
 * after the timeout, the check passes if the drain has taken another message meanwhile; it fails
 * if the same message is still in progress (it has run longer than the timeout), or if messages
 * wait and none was taken. So a backlog whose messages are each handled in time is never hung.</li>
 * <li>with the spec's health probe, it asks the drain to run the probe over the state between
 * two messages, ahead of the backlog (the state is not thread-safe): the check fails if the probe
 * answers false or fails, or if no answer comes within the timeout, which covers only the
 * message in progress and the probe itself.</li>
 * </ul>
 *
 * <p>After {@code unhealthyAfter} failures in a row the incarnation is killed as hung; a passed
 * check resets the count. A hung component is therefore restarted within about
 * {@code (interval + timeout) * unhealthyAfter}. The timers only post: the kill is settled by the
 * component's drain, the events are delivered by the tree's hub.
 */
final class HealthMonitor {

    private final ComponentCell cell;
    private final Incarnation incarnation;
    private final HealthCheck spec;
    private volatile @Nullable Disposable ticks;
    /** The check under way: at most one at a time, whatever the interval and the timeout. */
    private volatile @Nullable Check current;
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
        Check c = current;
        if (c != null) {
            c.cancelTimeout();
        }
    }

    private void tick() {
        if (stopped || current != null) {
            return;
        }
        Check check = new Check();
        current = check;
        if (cell.cspec.healthProbe() != null) {
            check.timeout = cell.timer().schedule(check::probeUnanswered, spec.timeout().toNanos(),
                    TimeUnit.NANOSECONDS);
            incarnation.raise(Incarnation.PROBE);
            cell.signal();
            return;
        }
        check.takenAtStart = cell.takenCount();
        check.busyAtStart = incarnation.busy();
        if (!check.busyAtStart && cell.mailbox.isEmpty()) {
            check.settle(true, null); // idle: nothing to be late with
            return;
        }
        check.timeout = cell.timer().schedule(check::progressDue, spec.timeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The drain reached the probe, between two messages of {@code inc}: it runs the spec's probe over the state. */
    void probeReached(Incarnation inc) {
        Check check = current;
        if (inc != incarnation || check == null || check.outcome != Check.PENDING) {
            return; // the check timed out already
        }
        Function<Object, Mono<Boolean>> probe = Objects.requireNonNull(cell.cspec.healthProbe());
        try {
            Objects.requireNonNull(probe.apply(inc.state), "health probe returned null")
                    .subscribe(healthy -> check.settle(Boolean.TRUE.equals(healthy),
                            Boolean.TRUE.equals(healthy) ? null : "health probe answered false"),
                            error -> check.settle(false, "health probe failed: " + error),
                            () -> check.settle(false, "health probe completed without an answer"));
        } catch (Throwable t) {
            check.settle(false, "health probe failed: " + t);
        }
    }

    private void passed() {
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
        String path = cell.path();
        String previousMdc = Mdc.put(path); // on the timer's thread
        try {
            Tree.LOG.warn("'{}' failed a health check ({} in a row): {}", path, failures, reason);
        } finally {
            Mdc.restore(previousMdc);
        }
        if (failures >= spec.unhealthyAfter()) {
            stop();
            incarnation.kill(new HealthCheckFailedException(cell.path(), failures, reason));
        }
    }

    /** One check: passed or failed exactly once. */
    final class Check {
        static final int PENDING = 0;
        private static final int DONE = 1;

        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<Check> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Check.class, "outcome");

        volatile int outcome = PENDING;
        volatile @Nullable Disposable timeout;
        long takenAtStart;
        boolean busyAtStart;

        /** The timeout of a progress check: has the drain taken another message since it started? */
        void progressDue() {
            if (cell.takenCount() != takenAtStart) {
                settle(true, null);
            } else if (busyAtStart && incarnation.busy()) {
                settle(false, "the message in progress has run longer than " + Durations.human(spec.timeout()));
            } else if (!cell.mailbox.isEmpty()) {
                settle(false, "messages wait and none was taken within " + Durations.human(spec.timeout()));
            } else {
                settle(true, null); // it finished its last message and has nothing left
            }
        }

        void probeUnanswered() {
            settle(false, "health probe not answered within " + Durations.human(spec.timeout()));
        }

        void settle(boolean healthy, @Nullable String reason) {
            if (!STATE.compareAndSet(this, PENDING, DONE)) {
                return;
            }
            cancelTimeout();
            current = null;
            if (healthy) {
                passed();
            } else {
                failed(Objects.requireNonNull(reason));
            }
        }

        void cancelTimeout() {
            Disposable t = timeout;
            if (t != null) {
                t.dispose();
            }
        }
    }
}
