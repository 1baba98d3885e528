package io.reactorsupervisor.wasm;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
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
 */
final class CallGuard implements Runnable {

    private static final int RUNNING = 0;
    private static final int FIRING = 1;
    private static final int FIRED = 2;
    private static final int DONE = 3;

    private static final AtomicIntegerFieldUpdater<CallGuard> STATE =
            AtomicIntegerFieldUpdater.newUpdater(CallGuard.class, "state");

    private final Thread thread;
    private volatile int state = RUNNING;
    private @Nullable ScheduledFuture<?> timer;

    private CallGuard(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts the budget of a call made by the current thread.
     *
     * @param budgetNanos the budget, positive
     * @return the guard to {@link #finish()} when the call returns or throws
     */
    static CallGuard start(long budgetNanos) {
        CallGuard guard = new CallGuard(Thread.currentThread());
        guard.timer = Watchdog.EXECUTOR.schedule(guard, budgetNanos, TimeUnit.NANOSECONDS);
        return guard;
    }

    /** Runs on the watchdog thread when the budget is spent. */
    @Override
    public void run() {
        if (STATE.compareAndSet(this, RUNNING, FIRING)) {
            try {
                thread.interrupt();
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
        ScheduledFuture<?> t = timer;
        if (STATE.compareAndSet(this, RUNNING, DONE)) {
            if (t != null) {
                t.cancel(false);
            }
            return false;
        }
        while (state == FIRING) {
            Thread.onSpinWait();
        }
        // Our interrupt has been delivered; clear it so the pooled thread is clean.
        Thread.interrupted();
        return true;
    }

    /** The shared watchdog thread, created on first use. */
    private static final class Watchdog {

        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private Watchdog() {
        }

        private static ScheduledThreadPoolExecutor create() {
            ThreadFactory factory = runnable -> {
                Thread t = new Thread(runnable, "reactor-supervisor-wasm-watchdog");
                t.setDaemon(true);
                return t;
            };
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, factory);
            executor.setRemoveOnCancelPolicy(true);
            executor.setKeepAliveTime(30, TimeUnit.SECONDS);
            executor.allowCoreThreadTimeOut(true);
            return executor;
        }
    }
}
