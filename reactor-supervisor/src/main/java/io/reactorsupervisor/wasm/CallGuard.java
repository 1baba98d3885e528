package io.reactorsupervisor.wasm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The time budget of one guest call: a real-time watchdog that interrupts the calling thread
 * if the call has not finished when the budget runs out, because Chicory stops a guest whose
 * thread is interrupted (at its next call or backward branch).
 *
 * <p>The watchdog runs on one shared daemon thread, not on a Reactor scheduler: reactor-test's
 * virtual time replaces Reactor's schedulers and would never fire it. The state machine makes
 * sure the interrupt can only land while the call is in progress: the caller moves
 * RUNNING -> DONE, the watchdog RUNNING -> FIRING -> FIRED, and a caller that lost the race
 * waits for FIRED (a single {@code Thread.interrupt()}) and then clears the interrupt flag, so
 * the thread goes back to its pool clean.
 *
 * <p>A call does not schedule a timer of its own: scheduling and cancelling one per call
 * (a lock, and a wake-up of the watchdog thread, on every message) cost more than the guest's
 * work. A call is published in its thread's {@link Slot} (one volatile write, and one to clear
 * it); one scan is scheduled for the earliest deadline (a call schedules one only when none is
 * due at or before its own deadline), and each scan interrupts the calls past their deadline
 * and schedules the next scan for the earliest deadline left. Under steady traffic that is one
 * scan per budget, not one timer per call. A call made inside another on the same thread (a
 * host function calling a guest) takes the slot until it returns and then gives it back to
 * the outer call, whose deadline is checked again at once.
 */
final class CallGuard implements Runnable {

    private static final int RUNNING = 0;
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int DONE = 3;

    private static final AtomicIntegerFieldUpdater<CallGuard> STATE =
            AtomicIntegerFieldUpdater.newUpdater(CallGuard.class, "state");

    private final Slot slot;
    /** On the {@link System#nanoTime()} clock. */
    private final long deadline;
    /** The call this one is nested in, on the same thread; null for most. */
    private final @Nullable CallGuard outer;
    private volatile int state = RUNNING;

    private CallGuard(Slot slot, long deadline, @Nullable CallGuard outer) {
        this.slot = slot;
        this.deadline = deadline;
        this.outer = outer;
    }

    /**
     * Starts the budget of a call made by the current thread.
     *
     * @param budgetNanos the budget, positive
     * @return the guard to {@link #finish()} when the call returns or throws
     */
    static CallGuard start(long budgetNanos) {
        return start(budgetNanos, Watchdog.SLOT.get());
    }

    /**
     * Starts the budget of a call made by the current thread, whose slot the caller already has
     * (see {@link #slotOfCurrentThread()}): saves the thread-local lookup.
     *
     * @param budgetNanos the budget, positive
     * @param slot the current thread's slot
     * @return the guard to {@link #finish()} when the call returns or throws
     */
    static CallGuard start(long budgetNanos, Slot slot) {
        CallGuard guard = new CallGuard(slot, System.nanoTime() + budgetNanos, slot.call);
        slot.call = guard;
        Watchdog.scanBy(guard.deadline);
        return guard;
    }

    /** Runs on the watchdog thread when the budget is spent. */
    @Override
    public void run() {
        if (STATE.compareAndSet(this, RUNNING, FIRING)) {
            try {
                slot.thread.interrupt();
            } finally {
                state = FIRED;
            }
        }
    }

    /**
     * Ends the call: after this returns, the watchdog will not interrupt the thread, and an
     * interrupt it did deliver has been cleared.
     *
     * @return whether the budget ran out during the call
     */
    boolean finish() {
        boolean spent = !STATE.compareAndSet(this, RUNNING, DONE);
        if (spent) {
            while (state == FIRING) {
                Thread.onSpinWait();
            }
            // Our interrupt has been delivered; clear it so the pooled thread is clean.
            Thread.interrupted();
        }
        slot.call = outer;
        if (outer != null) {
            Watchdog.scanBy(outer.deadline);
        }
        return spent;
    }

    /**
     * The current thread's slot, for a caller that keeps it between calls (checking
     * {@link Slot#isCurrentThread()} before each use: a slot belongs to one thread).
     *
     * @return the slot of the current thread
     */
    static Slot slotOfCurrentThread() {
        return Watchdog.SLOT.get();
    }

    /** A thread that makes guest calls, and the call it is in (null between calls). */
    static final class Slot {
        final Thread thread;
        /** Written by its thread only; read by the watchdog. */
        volatile @Nullable CallGuard call;

        Slot(Thread thread) {
            this.thread = thread;
        }

        /** Whether this is the current thread's slot. */
        boolean isCurrentThread() {
            return thread == Thread.currentThread();
        }
    }

    /** The shared watchdog thread, created on first use, and the calls it watches. */
    private static final class Watchdog {

        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        /** The slot of every thread that has made a guest call and is alive (dead ones are pruned by scans). */
        static final Set<Slot> SLOTS = ConcurrentHashMap.newKeySet();

        static final ThreadLocal<Slot> SLOT = ThreadLocal.withInitial(() -> {
            Slot slot = new Slot(Thread.currentThread());
            SLOTS.add(slot);
            return slot;
        });

        /** No scan is scheduled. */
        private static final long NONE = Long.MIN_VALUE;

        /** When the earliest scheduled scan runs, on the {@link System#nanoTime()} clock; {@link #NONE} if none is. */
        private static final AtomicLong NEXT_SCAN = new AtomicLong(NONE);

        private Watchdog() {
        }

        /**
         * Schedules a scan at {@code deadline} unless one is already due at or before it. A call
         * calls this after it has published itself in its slot: a scan that starts after that
         * sees the call; one that started before it has already cleared {@link #NEXT_SCAN}, so
         * the call schedules its own.
         */
        static void scanBy(long deadline) {
            for (;;) {
                long next = NEXT_SCAN.get();
                if (next != NONE && next - deadline <= 0) {
                    return;
                }
                if (NEXT_SCAN.compareAndSet(next, deadline)) {
                    EXECUTOR.schedule(Watchdog::scan, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    return;
                }
            }
        }

        /**
         * Interrupts the calls past their deadline and schedules the next scan for the earliest
         * deadline left. Clearing {@link #NEXT_SCAN} first means that a call registered during
         * the scan either is seen by it or schedules a scan itself.
         */
        private static void scan() {
            NEXT_SCAN.set(NONE);
            long now = System.nanoTime();
            boolean any = false;
            long earliest = 0;
            for (Slot slot : SLOTS) {
                CallGuard guard = slot.call;
                if (guard == null) {
                    if (!slot.thread.isAlive()) {
                        SLOTS.remove(slot);
                    }
                } else if (guard.deadline - now <= 0) {
                    guard.run();
                } else if (!any || guard.deadline - earliest < 0) {
                    earliest = guard.deadline;
                    any = true;
                }
            }
            if (any) {
                scanBy(earliest);
            }
        }

        private static ScheduledThreadPoolExecutor create() {
            ThreadFactory factory = runnable -> {
                Thread t = new Thread(runnable, "reactor-supervisor-wasm-watchdog");
                t.setDaemon(true);
                return t;
            };
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, factory);
            executor.setKeepAliveTime(30, TimeUnit.SECONDS);
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }
}
