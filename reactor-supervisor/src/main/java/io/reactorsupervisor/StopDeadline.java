package io.reactorsupervisor;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

/**
 * The deadline of a component's graceful stop ({@code stopChild}, {@code removeChild}, a
 * shutdown): until then the component drains its mailbox; once it passes, the message in
 * progress and those left become dead letters ({@code SHUT_DOWN} or {@code COMPONENT_STOPPED})
 * and a handler that does not return is abandoned. One is created per stop, so an idle
 * component holds none; the component's end cancels it.
 */
final class StopDeadline implements Runnable {

    private final ComponentCell cell;
    private volatile @Nullable Disposable timer;

    private StopDeadline(ComponentCell cell) {
        this.cell = cell;
    }

    /**
     * Starts the deadline of a stop under way. A stop that completed at once (on
     * {@code Schedulers.immediate()}) needs none.
     *
     * @return the deadline to cancel at the component's end, or null if it has ended already
     */
    static @Nullable StopDeadline start(ComponentCell cell, Duration deadline) {
        if (cell.state().isTerminal()) {
            return null;
        }
        StopDeadline d = new StopDeadline(cell);
        d.timer = cell.timer().schedule(d, deadline.toNanos(), TimeUnit.NANOSECONDS);
        return d;
    }

    void cancel() {
        Disposable t = timer;
        if (t != null) {
            t.dispose();
        }
    }

    /** The reason a stop past its deadline gives. */
    static String reason(Tree tree) {
        return tree.closing ? "shutdown deadline passed" : "stop deadline passed";
    }

    /**
     * The deadline has passed, on the timer's thread: the incarnation in progress is killed
     * (its drain dead-letters the message it was handling and flushes the rest); between
     * incarnations (a crash while stopping, waiting out its restart delay) the component ends
     * now.
     */
    @Override
    public void run() {
        if (cell.state().isTerminal()) {
            return;
        }
        String path = cell.path();
        String previousMdc = Mdc.put(path);
        try {
            Tree.LOG.warn("'{}' did not drain its mailbox within the stop deadline", path);
        } finally {
            Mdc.restore(previousMdc);
        }
        cell.deadlinePassed = true;
        Incarnation inc = cell.current;
        if (inc == null) {
            inc = cell.pending;
        }
        if (inc != null) {
            inc.kill(new Passed());
            return;
        }
        cell.cancelPipeline();
        String reason = reason(cell.tree);
        cell.stopped(reason);
        cell.ended(new Signals.Stop(reason));
    }

    /** The kill a passed deadline sends: not a crash; the message in progress is dead-lettered. */
    static final class Passed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Passed() {
            super("stop deadline passed", null, false, false);
        }
    }
}
