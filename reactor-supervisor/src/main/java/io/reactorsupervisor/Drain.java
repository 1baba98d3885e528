package io.reactorsupervisor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;

/**
 * The one drain loop of the library: a single consumer of a multi-producer queue, serialized
 * by the {@link #wip} counter (the work-in-progress pattern of Reactor's own operators, as in
 * {@code FluxPublishOn}). A component drains its mailbox with it; a supervisor drains its
 * lifecycle signals with it. Whoever signals work while nobody drains schedules one task on
 * the owner's scheduler; whoever holds the drain owns everything the subclass says the drain
 * owns, and needs no lock.
 *
 * <p>Drains stay on one {@link Scheduler.Worker} of the owner's scheduler, as a
 * {@code publishOn} keeps one worker per subscription: successive drains stay on one thread
 * instead of waking each thread of the scheduler in turn. The worker is taken by the first
 * drain, so an owner never signalled has none.
 */
abstract class Drain implements Runnable {

    /*
     * A VarHandle rather than a field updater: an updater of a non-final class checks each
     * receiver's class on every access, and the drains are subclasses.
     */
    private static final VarHandle WIP;

    static {
        try {
            WIP = MethodHandles.lookup().findVarHandle(Drain.class, "wip", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The queue is empty, or nothing can be taken from it now: let go of the drain. */
    static final int DRAINED = 0;
    /** The batch's budget is used up: continue in a later task, keeping the drain. */
    static final int YIELD = 1;
    /** This thread was abandoned (it is stuck in a handler) and another task holds the drain now. */
    static final int ABANDON = 2;

    private volatile int wip;
    private Scheduler.@Nullable Worker worker;
    private @Nullable Scheduler workerScheduler;

    /** The scheduler that runs the drain, looked up at each scheduling so that virtual time can replace it. */
    abstract Scheduler drainScheduler();

    /** Whether each drain should take whichever thread of the scheduler is free instead of keeping one worker. */
    boolean detached() {
        return false;
    }

    /** Handles what is queued, up to a budget; returns {@link #DRAINED}, {@link #YIELD} or {@link #ABANDON}. */
    abstract int drainBatch();

    /** Whether there is something to take now (checked after letting go of the drain). */
    abstract boolean hasWork();

    /** The scheduler refused the drain task: nothing can drain this owner any more. */
    abstract void rejected(RejectedExecutionException e);

    /**
     * New work was queued. While a drain holds {@link #wip}, it looks at the queue once more
     * before it lets go (see {@link #run}), so a sender only reads {@code wip}: no atomic
     * update per message while the owner is busy.
     */
    final void signalQueued() {
        if (wip == 0 && WIP.compareAndSet(this, 0, 1)) {
            schedule();
        }
    }

    /**
     * Takes the drain if nobody holds it, for an owner that hands its item over without queueing
     * it; the caller then calls {@link #runClaimed}.
     *
     * @return false if a drain holds it already: queue the item and {@link #signalQueued}
     */
    final boolean tryClaim() {
        return wip == 0 && WIP.compareAndSet(this, 0, 1);
    }

    /** Runs (or schedules) the drain taken by {@link #tryClaim}. */
    final void runClaimed() {
        schedule();
    }

    /** Something other than a queued item changed (an end, a stop, a reply): drain again. */
    final void signal() {
        if ((int) WIP.getAndAdd(this, 1) == 0) {
            schedule();
        }
    }

    /**
     * Takes the drain over on a fresh worker, after the thread that held it was abandoned in a
     * handler that does not return. That thread keeps its task until its handler returns, then
     * leaves without touching anything.
     */
    final void takeOver() {
        WIP.setVolatile(this, 1);
        worker = null; // dropped, not disposed: disposing it would interrupt the abandoned thread again
        schedule();
    }

    private void schedule() {
        try {
            Scheduler s = drainScheduler();
            if (detached()) {
                s.schedule(this);
                return;
            }
            Scheduler.Worker w = worker;
            if (w == null || workerScheduler != s || w.isDisposed()) {
                w = s.createWorker();
                worker = w;
                workerScheduler = s;
            }
            w.schedule(this);
        } catch (RejectedExecutionException e) {
            WIP.setVolatile(this, 0);
            rejected(e);
        }
    }

    /**
     * Gives the worker back once the owner has ended and flushed what it held (a worker of a
     * bounded elastic scheduler holds a share of a thread); a revived owner takes a new one.
     * Called by the drain's holder, which may run on this very worker: a task disposed on its
     * own thread is not interrupted.
     */
    final void retireWorker() {
        Scheduler.Worker w = worker;
        if (w != null) {
            worker = null;
            w.dispose();
        }
    }

    @Override
    public final void run() {
        int missed = 1;
        for (;;) {
            int outcome = drainBatch();
            if (outcome == YIELD) {
                schedule();
                return;
            }
            if (outcome == ABANDON) {
                return;
            }
            missed = (int) WIP.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                // a sender that saw this drain running did not signal: take its item, unless nothing can take
                // it now (whatever unblocks the drain signals it again)
                if (!hasWork() || !WIP.compareAndSet(this, 0, 1)) {
                    return;
                }
                missed = 1;
            }
        }
    }
}
